"""What the copywriter's prompt, format and fix hints look like when a model copies them into the message.

Fragments are specific to our prompts (prompts/copywriter/v1) and fix hints (tools/compliance): 优惠（原样使用）,
<用户数据>, "write only the message", "Offer (use exactly)". Plain words they contain (使用, 用户, exactly) are
not listed on their own, so ordinary copy passes.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE
ECHO = re.compile(
    # format and meta talk
    r"不超过\s*\d+\s*个?字|\d+\s*字以[内下]|字数|变体\s*\d*|版本\s*\d|文案\s*[\d一二三]?\s*:|标题\s*:|正文\s*:|行动号召"
    r"|用户画像|作为(?:一个)?(?:ai|人工智能|语言模型)|以下是|根据(?:您|你)的要求|目标用户|该用户"
    r"|\bvariant\b(?:\s*\d+)?|for a user who|as an ai\b|as a language model"
    r"|here(?:'s| is) (?:a|the|your) (?:message|copy|variant|push|sms|e-?mail|notification|draft)"
    r"|\b(?:title|body|cta|subject)\s*:|\bcall to action\b"
    r"|(?:within|under|max(?:imum)?|no more than|at most) \d+ (?:characters|chars|words)"
    r"|\b(?:user_id|recency|price_sensitivity|funnel_stage|value_tier|top_categories)\b"
    r"|\{[^{}]{0,30}\}|\[(?:name|brand|product|link|url)\]|</?[a-z][^>]{0,30}>"
    # the user prompt's labels and data tags (user.zh.md / user.en.md, slots_user.*)
    r"|原样使用|适用范围\s*:|优惠\s*\(|渠道\s*:|可选商品\s*:|用户数据|</?用户数据>"
    r"|use exactly|offer\s*\(|applies to\s*:|products to choose from|customer[_ ]data"
    # the system prompt's instructions and the rewrite request (system.*, feedback.*)
    r"|请写\s*\S{0,3}\s*[条组]|只输出文案|文案本身|不得使用|绝对化用语|复述|这些要求|上一稿|未通过审核|逐条修正"
    r"|write \S{0,3}\s*(?:messages|sets)\b|output only the copy|never repeat these instructions"
    r"|(?:the )?previous draft|failed review|fix each problem"
    # fix hints (tools/compliance): what a rewrite may copy verbatim
    r"|write only the message|the customer reads|no instructions or labels|state only the offer"
    r"|state the offer exactly|remove\s*[“\"]|finish the (?:title|body|cta)",
    _I,
)
"""Prompt, format and fix-hint fragments; matched on width-folded text (（ and ： fold to ( and :)."""
