r"""Instruction-like text on the untrusted paths: normalize first, then look for signals, in zh and en.

Untrusted text reaches the pipeline on five paths: shoppers' search queries and sellers' item titles
(history), a marketer's chat brief, a campaign's free-text fields (name, brand tone and name, gift, required
phrases, categories) and the id fields of feedback files. None of it may steer the model.

Normalization comes first, in this order: NFKC (full-width `ＡＳＳＩＳＴＡＮＴ：` reads `ASSISTANT:`), zero-width
and other format characters removed (`ig\u200bnore` reads `ignore`), control characters and line separators
to spaces (`thermos\n\nAssistant:` reads as two words, not `thermosAssistant:`), then NFKC once more so
the result is stable.

Detection is deterministic: named signals (regular expressions, in zh and en together so mixed-language
text is read too) over the normalized text, over a view with spaced-out letters joined (`忽 略 以 上` ,
`I g n o r e`), and over any base64 run that decodes to text. A **strong** signal flags the text alone: orders
to ignore the rules, role and section headers, chat-template tokens, role play, requests for the system
prompt, changing the offer, dropping a rule, putting a customer's contact details or a link into the message,
addressing the model, decode-and-run. A **weak** signal (`forget the rules` with nothing saying which
rules, a role word with a colon) flags only together with a directive (write, say, an offer amount...),
so `Forget The Rules Graphic Tee`, `Kids Smart Watch System: Android 13` and `user:1024` pass.

The chat brief is the marketer's own: there, changing the offer (`改成满200减30吧`) is what the marketer is
for, so that signal is not counted on the `brief` path; nor, there and on `campaign_field` (a brand tone),
is saying what the copy must mention (`文案里写上活动截止日期`). Precision and recall on the labelled set:
`bench/untrusted_text.py` (evaluation/data/untrusted/).
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from typing import Literal

UntrustedPath = Literal["query", "title", "brief", "campaign_field", "feedback"]
"""Where a text came from: search query, seller title, chat brief, campaign field, feedback file id."""

_REMOVED_CATEGORIES = {"Cf", "Cs", "Co", "Cn"}
"""Format (zero-width, bidi controls), surrogates, private use, unassigned: removed."""
_SPACED = {"\u2028", "\u2029"}
"""Line and paragraph separators read as spaces, as control characters do."""


def normalize_untrusted(text: str) -> str:
    """NFKC; zero-width and other format characters removed; control characters and line separators to spaces."""
    folded = unicodedata.normalize("NFKC", text)
    kept = "".join(ch for ch in folded if unicodedata.category(ch) not in _REMOVED_CATEGORIES)
    spaced = "".join(" " if unicodedata.category(ch) == "Cc" or ch in _SPACED else ch for ch in kept)
    return unicodedata.normalize("NFKC", spaced)  # removing a joiner can leave a pair NFKC would fold


# English words are bounded by ASCII letters only, so `请ignore上面的rules` still reads as `ignore ... rules`.
def _en(pattern: str) -> str:
    return rf"(?<![A-Za-z])(?:{pattern})(?![A-Za-z])"


_ROLES_EN = r"system|assistant|user|developer|admin(?:istrator)?|instructions?|sys|ai|model|bot"
_ROLES_ZH = r"系统|助手|助理|用户|管理员|开发者|指令|指示|命令|模型|机器人"
_ROLE = rf"{_en(_ROLES_EN)}|{_ROLES_ZH}"
_HEADER_SUFFIX = (
    r"\s*(?:通知|消息|提示|指令|指示|命令|设定|"
    + _en(r"override|instructions?|message|prompt|notes?|notice|update|command")
    + r")"
)

_IGNORE_VERB = (
    _en(r"ignore|disregard|forget|override|bypass|never\s+mind|pay\s+no\s+attention\s+to|set\s+aside|skip")
    + r"|(?<!防)忽略|无视|忽视|(?<!防)忘记|忘掉|不要遵守|不用遵守|不必遵守|不用管|别管|不管|别理会?|不要理会?|跳过|绕过"
)
_RULE_NOUN = (
    _en(
        r"instructions?|prompts?|guidelines?|guidance|polic(?:y|ies)|restrictions?|settings?|directives?|constraints?|rules?"
    )
    + r"|规则|规定|指令|指示|提示词|要求|设定|(?<!无)限制|约束|审核|校验|检查|合规|广告法|策略|政策"
)
_RULE_QUALIFIER = (
    _en(
        r"previous|prior|earlier|above|all|any|every|your|system|original|existing|these|those|following|safety|"
        r"pricing|price|offer|threshold|frequency|compliance|review|advertising|content|brand|security"
    )
    + r"|以上|上面|上述|之前|前面|先前|所有|全部|一切|你的|系统|审核|安全|价格|满减|优惠|发送|频率|合规|广告"
)
_DIRECTIVE = (
    _en(
        r"write|say|says|tell|promise|offer|give|send|mark|make|put|add|include|output|print|reveal|ignore|skip|"
        r"remove|delete|disable|everything|every|free|sure|ok(?:ay)?|yes|i\s+will|i'll|you\s+(?:are|must|will)|"
        r"new|now|must|always|never|discount|coupon|price"
    )
    + r"|\d+\s*%\s*off|[$¥]\s*\d|写|说|告诉|给|发|输出|改|必须|请|好的|我会|我将|免费|免单|全场|\d+\s*折"
    + r"|[一二三四五六七八九]折|满\s*\d+\s*减|\d+\s*元|红包|券|忽略|不要|删除|取消|关闭|跳过|允许|以后|所有|全部"
)
_WHOSE_EN = (
    r"(?:the\s+|each\s+|this\s+|that\s+|every\s+|a\s+)?"
    r"(?:customer|user|buyer|recipient|person|shopper|member|client|subscriber)s?'s?|her|his|their"
)
_CONTACT_EN = (
    r"(?:(?:home|street|shipping|delivery|e-?mail|postal|full)\s+)?address(?:es)?|phones?(?:\s*(?:numbers?|no\.?))?"
    r"|mobile(?:\s+numbers?)?|contact\s+(?:numbers?|details|info(?:rmation)?)|e-?mails?|(?:full|real)\s+names?"
    r"|id\s+numbers?|names?"
)
_PUT_EN = r"include|add|put|insert|write|append|list|show|print|reveal|paste|copy|mention|attach"
_WHOSE_ZH = r"客户|用户|顾客|买家|收件人|收货人|客人|粉丝|会员|对方|他|她|每个人|每位用户|这位用户|该用户"
_CONTACT_ZH = r"手机号码?|手机尾号|电话号码|联系电话|联系方式|(?:收货|家庭|详细|住宅)地址|住址|邮箱|身份证号?|真实姓名"
_CONTACT_WHOSE_ZH = rf"{_CONTACT_ZH}|地址|电话|姓名"
_PUT_ZH = (
    r"(?:写|附|加|带|填|放|插|嵌|列)(?:上|进|入|到|在)|列出|附带|注明|写明|标注|包含|提及|提到|输出|透露|泄露|告诉|显示"
)
_MESSAGE = _en(r"messages?|sms|push(?:es)?|copy|text|notifications?|e-?mail\s+body") + r"|短信|推送|文案|消息|通知"

_STRONG: dict[str, str] = {
    # orders to ignore what came before, naming which rules
    "ignore_rules": rf"(?:{_IGNORE_VERB}).{{0,20}}(?:{_RULE_QUALIFIER}).{{0,16}}(?:{_RULE_NOUN})"
    rf"|(?:{_IGNORE_VERB})\s*(?:以上|上面|上述|上文)"
    + "|"
    + _en(r"ignore|disregard")
    + r"\s+(?:the\s+|all\s+)?(?:above|everything)"
    + "|"
    + _en(r"forget")
    + r"\s+(?:everything|all)(?:\s+(?:you\s+(?:were|have\s+been)\s+told|above|before))?",
    # role and section headers, chat-template tokens, fake messages
    "new_instructions": r"(?:新|最新|附加|隐藏|重要|真正的?)(?:指令|任务|规则|要求|设定|指示)\s*:"
    + "|"
    + _en(r"(?:new|updated|additional|hidden|important|real|actual)\s+(?:instructions?|rules?|task|system\s+message)")
    + r"\s*:",
    "markdown_header": rf"#{{2,6}}\s*(?:{_ROLE}|新指令)(?=[\s:#]|$|{_HEADER_SUFFIX})|(?:^|\s)#\s*(?:{_ROLE})(?=\s|:|$)",
    "bracket_header": rf"[\[【〔〖(<]\s*(?:{_ROLE}|新指令|system\s+prompt)(?:{_HEADER_SUFFIX})?\s*[\]】〕〗)>]",
    "chat_template": r"<\|[^|<>]{0,24}\|>|\[/?inst\]|<<\s*/?\s*sys\s*>>|</s>"
    r"|</?\s*(?:customer_data|user_data|用户数据|system|assistant|user|instructions?|context)\s*>",
    "fake_json": r"[\"']role[\"']\s*:\s*[\"'](?:system|assistant|user|developer)",
    # role play
    "role_play": _en(r"you\s+are\s+now|pretend\s+(?:to\s+be|you\s+are|you're)|role-?\s?play\s+as|do\s+anything\s+now")
    + "|"
    + _en(r"act\s+as")
    + r"\s+(?:(?:the|a|an|my|your)\s+)?(?:store|shop|platform|admin|manager|owner|assistant|agent|customer\s+service"
    r"|ai|model|bot|dan|director|developer|system|copywriter|staff|seller|unrestricted|jailbroken)"
    + "|"
    + _en(r"from\s+now\s+on,?\s+you|developer\s+mode|unrestricted\s+(?:ai|model|assistant|copywriter|mode)|jailbroken")
    + r"|你现在是|(?:你现在|请你?|你来)扮演|扮演一[个名位]|假装(?:你|自己)是|从现在(?:开始|起)[,，]?\s*你"
    r"|开发者模式|(?:不受|没有|无)限制的(?:AI|模型|助手|机器人|文案)|无条件服从",
    # the system prompt
    "prompt_leak": r"系统提示|"
    + _en(r"system\s+prompt")
    + r"|(?:输出|打印|显示|重复|复述|泄露|透露|告诉我|发给我|发我|给我看|公开|展示).{0,12}"
    r"(?:系统|初始|原始|全部|所有|你的|你收到的)(?:的)?(?:提示词?|设定|指令|规则|prompt)"
    r"|(?:你的|你收到的)(?:所有|全部)?(?:系统|初始)?(?:设定|指令|提示词|规则|prompt).{0,10}(?:是什么|输出|复述|原样|完整)"
    r"|(?:泄露|透露|输出)(?:一下)?(?:你的)?\s*(?:提示词|prompt)"
    + "|"
    + _en(r"print|reveal|show|repeat|output|leak|tell\s+me|give\s+me|share|display|dump|what\s+(?:is|are|were)")
    + r".{0,20}"
    + _en(
        r"(?:your|the)\s+(?:(?:system|initial|original|hidden|full|secret|first)\s+)?(?:prompt|instructions|guidelines)"
        r"|your\s+(?:\w+\s+)?rules|the\s+(?:system|initial|original|hidden|secret)\s+rules"
    )
    + "|"
    + _en(r"repeat\s+(?:everything|all|the\s+text)\s+(?:above|before)"),
    # changing the offer (not on the brief path: the marketer sets it there)
    "change_offer": r"(?:优惠|折扣|价格|满减|券|活动|力度|文案).{0,12}"
    r"(?:改|换|设|调整|调|写)(?:成|为|到)"
    + "|"
    + _en(r"change|set|make|update|switch|lower|raise|write")
    + r"\s+(?:the\s+|this\s+|your\s+)?(?:offer|discount|price|coupon|deal|promotion)s?\s+(?:to|into|as)(?![A-Za-z])",
    # dropping a rule, allowing what the rules forbid
    "drop_rule": r"(?:不要|不用|无需|不必|不需要|去掉|删掉|删除|别|跳过|省略|不得|不准|禁止|关掉|关闭|取消)"
    r"(?:写|加|带|附|提|提及|遵守|管|做|显示|用)?.{0,6}"
    r"(?:退订|合规|审核|规则|免责|提示语|签名|校验|检查|广告法|频率限制|安全)"
    r"|(?:审核|合规|规则|退订|校验)\S{0,4}(?:关掉|关闭|取消|去掉|删掉)"
    r"|(?:允许|可以)(?:使用)?.{0,12}(?:夸大|绝对化|虚假|最低价)"
    + "|"
    + _en(
        r"don't|do\s+not|never|no\s+need\s+to|skip|remove|drop|omit|leave\s+out|without|turn\s+off|disable|bypass"
        r"|delete|switch\s+off"
    )
    + r".{0,24}"
    + _en(
        r"unsubscribe|opt-?\s?out|compliance|review|disclaimer|signature|validation|frequency\s+cap"
        r"|safety|stop\s+to"
    )
    + "|"
    + _en(r"don't|do\s+not|never|no\s+need\s+to|without")
    + r"\s+"
    + _en(r"follow(?:ing)?|obey(?:ing)?|apply(?:ing)?|respect(?:ing)?|stick(?:ing)?\s+to|mind(?:ing)?")
    + r".{0,16}"
    + _en(r"rules|guidelines|polic(?:y|ies)")
    + "|"
    + _en(r"(?:exaggerat\w*|absolute|false|unverified)\s+claims?")
    + r".{0,20}"
    + _en(r"allowed|ok|fine|permitted")
    + "|"
    + _en(r"(?:law|rules?|polic(?:y|ies))\s+(?:does|do)\s+not\s+apply"),
    # a customer's contact details, or a link, into the message
    "contact_details": rf"(?:{_PUT_ZH}).{{0,16}}(?:{_WHOSE_ZH})的?(?:{_CONTACT_WHOSE_ZH})"
    rf"|(?:{_WHOSE_ZH})的?(?:{_CONTACT_WHOSE_ZH}).{{0,16}}(?:{_PUT_ZH})"
    + "|"
    + _en(_PUT_EN)
    + rf".{{0,30}}(?<![A-Za-z])(?:{_WHOSE_EN})\s+(?:(?:\w+\s+){{0,2}})?(?:{_CONTACT_EN})(?![A-Za-z])",
    "contact_to_message": rf"(?:{_PUT_ZH}).{{0,16}}(?:{_CONTACT_ZH})(?=.*(?:{_MESSAGE}))"
    rf"|(?:{_MESSAGE}).{{0,12}}(?:{_PUT_ZH}).{{0,8}}(?:{_CONTACT_ZH})"
    rf"|(?:{_CONTACT_ZH}).{{0,16}}(?:{_PUT_ZH}).{{0,4}}(?:{_MESSAGE})",
    "add_link": r"(?:加上|附上|写上|带上|插入|放上|附带)\s*(?:链接|网址|网站|二维码|客服微信|微信号)"
    r"|(?:加|附)\s*(?:链接|网址|网站|二维码)"
    + "|"
    + _en(r"add|append|insert|include|put|attach")
    + r"\s+(?:the\s+|a\s+|this\s+)?(?:link|url|website)"
    + "|"
    + _en(r"end|finish|close|sign")
    + r"\s+(?:every|each|all|the)\s+(?:messages?|sms|push(?:es)?|texts?)\s+with",
    # telling the writer what the copy must say (not on the marketer's own paths: the brief, the campaign)
    "copy_order": r"(?:你|您)(?:必须|务必|一定要|需要|得)\S{0,8}(?:写|说|提|加|附|输出|承诺)"
    rf"|(?:{_MESSAGE})(?:里|中|内|末尾|结尾|开头)\S{{0,3}}(?:写|提及|提到|说明|加上|附上|承诺)"
    + "|"
    + _en(r"you\s+(?:must|should|have\s+to|need\s+to)\s+(?:write|say|include|add|mention|promise|tell|state)")
    + "|"
    + _en(r"(?:write|say|mention|state|promise)\s+in\s+(?:the|your|every|each)\s+(?:copy|messages?|sms|push|text)"),
    "every_message": _en(r"(?:every|each|all)\s+(?:messages?|sms|push(?:es)?|texts?|copy)")
    + r"\s+(?:must|should|has\s+to|have\s+to|needs?\s+to)|每条(?:消息|短信|推送|文案)都(?:要|必须|得)",
    "exfiltrate": r"(?:用户|客户|顾客|个人)(?:数据|资料|信息).{0,10}(?:写进|写入|写到|放进|原样|复制)"
    + "|"
    + _en(r"(?:customer|user|personal)\s+(?:data|info(?:rmation)?|details)")
    + r".{0,30}"
    + _en(r"into|in")
    + r"\s+(?:the\s+)?(?:messages?|copy|sms|push|text)",
    # addressing the model, claiming priority, commanding
    "model_address": _en(
        r"(?:note|message|instruction|reminder)s?\s+(?:to|for)\s+(?:the\s+)?(?:ai|model|llm|assistant|bot|copywriter)"
        r"|dear\s+(?:ai|model|assistant|llm)|(?:hey|attention),?\s+(?:ai|model|assistant|llm)"
    )
    + r"|(?:模型|大模型|人工智能|AI)\s*(?:请|注意|须|必须|务必)|注意\s*(?:AI|模型)|(?:给|致)\s*(?:AI|模型)\s*[:：]",
    "command": r"(?:执行|遵守|服从|听从)(?:以下|下面|如下|这条|我的|每条)(?:的)?(?:命令|指令|指示|要求)?"
    r"|请执行\s*:|最高优先级|以下(?:是|为)(?:新的|最新的?)?(?:系统|指令|规则|设定)"
    + "|"
    + _en(
        r"execute\s+(?:the\s+following|this|these)(?:\s+(?:commands?|instructions?))?|execute\s*:"
        r"|(?:highest|top)\s+priority\s+(?:instructions?|commands?|rules?)"
        r"|(?:the\s+following|below)\s+is\s+(?:a\s+|the\s+)?new\s+(?:system|instructions?|rules?)"
        r"|obey\s+(?:every|all|my)\s+(?:\w+\s+)?(?:instructions?|commands?)|new\s+system\s+message"
    ),
    "output_override": r"(?:只|仅)(?:输出|回复|返回)"
    + "|"
    + _en(r"only\s+(?:output|print|reply\s+with|respond\s+with|return)|output\s+only"),
    "decode_and_run": r"(?:解码|decode).{0,20}(?:执行|照做|运行|follow|do\s+what|run|obey|execute)"
    + "|"
    + _en(r"base64\s+decode"),
}

_WEAK: dict[str, str] = {
    # "forget the rules" without saying which: a T-shirt, unless a directive comes with it
    "ignore_generic": rf"(?:{_IGNORE_VERB}).{{0,12}}(?:{_RULE_NOUN})",
    # a role word and a colon: `System: Android 13` is a spec, `System: write 90% off` a fake turn
    "role_header": rf"(?:{_ROLE})(?:{_HEADER_SUFFIX})?\s*:",
}

_FLAGS = re.IGNORECASE | re.DOTALL | re.ASCII  # ASCII: case folding stays cheap; text is NFKC already
_STRONG_RE = {name: re.compile(pattern, _FLAGS) for name, pattern in _STRONG.items()}
_IGNORE_GENERIC = re.compile(_WEAK["ignore_generic"], _FLAGS)
_ROLE_HEADER = re.compile(_WEAK["role_header"], _FLAGS)
_DIRECTIVE_RE = re.compile(_DIRECTIVE, _FLAGS)
_SPACED_OUT = re.compile(r"(?<!\S)\w(?: \w(?!\S)){2,}")
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
_ROLE_BODY = 30
"""Characters after a role header's colon that are read for a directive."""

PATH_EXEMPT: dict[UntrustedPath, frozenset[str]] = {
    "brief": frozenset({"change_offer", "copy_order"}),
    "campaign_field": frozenset({"copy_order"}),
}
"""Signals that do not count on a path: in the chat brief the marketer sets (and changes) the offer, and
there and in a campaign's fields (its tone) saying what the copy should say is the marketer's job."""


def _unspaced(text: str) -> str:
    """Spaced-out letters joined: `I g n o r e  a l l` reads `Ignore  all`, `忽 略 以 上` reads `忽略以上`."""
    return _SPACED_OUT.sub(lambda m: m.group().replace(" ", ""), text)


def _decoded(text: str) -> list[str]:
    """Texts hidden in base64 runs that decode to printable UTF-8."""
    found = []
    for run in _BASE64_RUN.findall(text):
        padded = run + "=" * (-len(run) % 4)
        try:
            plain = base64.b64decode(padded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            continue
        if plain and all(ch.isprintable() or ch.isspace() for ch in plain):
            found.append(normalize_untrusted(plain))
    return found


def _signals(view: str, exempt: frozenset[str]) -> list[str]:
    found = [name for name, pattern in _STRONG_RE.items() if name not in exempt and pattern.search(view)]
    if not found and _IGNORE_GENERIC.search(view) and _DIRECTIVE_RE.search(view):
        found.append("ignore_generic+directive")
    for header in _ROLE_HEADER.finditer(view):
        body = view[header.end() : header.end() + _ROLE_BODY].strip()
        if not body or _DIRECTIVE_RE.search(body):
            found.append("role_header")
            break
    return found


def instruction_signals(text: str, path: UntrustedPath = "query", *, depth: int = 1) -> list[str]:
    """Names of the signals that make normalized `text` read as an instruction on `path` (empty: none)."""
    exempt = PATH_EXEMPT.get(path, frozenset())
    views = dict.fromkeys([text, _unspaced(text)])
    found = dict.fromkeys(name for view in views for name in _signals(view, exempt))
    if depth > 0:
        for plain in _decoded(text):
            found.update(dict.fromkeys(f"base64:{n}" for n in instruction_signals(plain, path, depth=depth - 1)))
    return list(found)


def looks_like_instruction(text: str, path: UntrustedPath = "query") -> bool:
    """Whether normalized text reads as an instruction to the model rather than a product, search or brief."""
    return bool(instruction_signals(text, path))


def reads_as_instruction(raw: str, path: UntrustedPath) -> bool:
    """Normalize untrusted text, then check it: the one call every untrusted path makes.

    Not cached on purpose: search queries are personal data, and an erased user's must not outlive them here.
    About 40 µs a short text (bench/NOTES.md).
    """
    return looks_like_instruction(normalize_untrusted(raw), path)
