r"""Instruction-like text in untrusted history (search queries, seller titles): normalize first, then look.

Normalizing first matters: NFKC folds full-width letters (`ＡＳＳＩＳＴＡＮＴ：`), zero-width characters
are removed (`ig\u200bnore`), and control characters become spaces, so `thermos\n\nAssistant:` still reads
as a role header rather than `thermosAssistant:`. The patterns cover, in zh and en: orders to ignore the
rules, role and section headers (`system:`, `### System`, `【系统】`, `新指令:`), chat-template tokens, role
play, requests for the system prompt, orders to change the offer or drop a rule, and orders to put a
customer's contact details (phone, address, e-mail) into the message.
"""

from __future__ import annotations

import re
import unicodedata

_ROLES_EN = r"system|assistant|user|developer|admin(?:istrator)?|instructions?"
_ROLES_ZH = r"系统|助手|助理|用户|管理员|开发者|指令|指示|命令"
_CONTACT_ZH = r"手机号码?|电话号码|联系电话|联系方式|(?:收货|家庭|详细|住宅)?地址|住址|邮箱|身份证号?|真实姓名"
_CONTACT_EN = r"phone\s*(?:number|no\.?)|mobile\s*number|address|e-?mail|full\s+name"
_PUT_ZH = r"(?:写|附|加|带|填|放|插|嵌)(?:上|进|入|到|在)|列出|附带|注明|标注|包含|输出|透露|泄露|告诉"
_WHOSE_ZH = r"客户|用户|顾客|买家|收件人|会员|对方|他|她"

_PATTERNS = (
    # orders to ignore what came before
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|rules?|prompts?|above|previous|policy)\b",
    r"(?:忽略|无视|忽视|忘记|忘掉|不要遵守|不用遵守|跳过).{0,20}(?:规则|指令|指示|提示|要求|设定|以上|之前|限制)",
    # role and section headers, chat-template tokens
    rf"\b(?:{_ROLES_EN})\s*:",
    rf"(?:{_ROLES_ZH}|新指令|新任务|新规则|新要求|最新指令|附加指令|隐藏指令)\s*:",
    rf"(?:^|\s)#{{1,6}}\s*(?:{_ROLES_EN}|{_ROLES_ZH}|新指令)(?=\s|:|$)",
    rf"[【\[(<〔〖]\s*(?:{_ROLES_EN}|{_ROLES_ZH}|system\s+prompt|新指令|系统消息|系统提示)\s*[】\])>〕〗]",
    r"<\|?/?[a-z_]*\|>|\[/?inst\]",
    # role play
    r"\byou are now\b|\bact as\b|\bpretend (?:to be|you are)\b|\bjailbreak\b|\bfrom now on\b",
    r"你现在是|(?:你现在|请你?|你来)扮演|扮演一[个名位]|假装(?:你|自己)是|从现在(?:开始|起)",
    # the system prompt
    r"系统提示|提示词|\bsystem prompt\b",
    r"(?:输出|打印|显示|重复|泄露|透露|告诉我)(?:一下)?(?:(?:你的|原始的?|全部的?|所有的?)系统?|系统)(?:指令|设定|规则|提示)",
    r"\b(?:print|reveal|show|repeat|output)\b.{0,20}\b(?:your|the)\s+(?:instructions|rules|prompt)\b",
    # change the offer, drop a rule
    r"(?:把|将).{0,12}(?:优惠|折扣|价格|满减|券|活动|文案).{0,12}(?:改|换|设)(?:成|为)",
    r"(?:不要|不用|无需|不必|去掉|删掉|删除)(?:写|加|带|附|提|遵守|管|做)?.{0,4}(?:退订|合规|审核|规则|免责|提示语)",
    # a customer's contact details into the message
    rf"(?:{_PUT_ZH}).{{0,16}}(?:{_CONTACT_ZH})",
    rf"(?:{_CONTACT_ZH}).{{0,16}}(?:{_PUT_ZH})",
    rf"(?:{_WHOSE_ZH})的?(?:{_CONTACT_ZH}|电话|姓名|名字)",
    rf"\b(?:include|add|put|insert|write|append|reveal|print|show|list)\b.{{0,40}}\b(?:{_CONTACT_EN})\b",
)
_INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)

_REMOVED_CATEGORIES = {"Cf", "Cs", "Co", "Cn"}
"""Format (zero-width, bidi controls), surrogates, private use, unassigned: removed."""
_SPACED = {"\u2028", "\u2029"}
"""Line and paragraph separators read as spaces, as control characters do."""


def normalize_untrusted(text: str) -> str:
    """NFKC; control characters and line separators to spaces; zero-width and other format characters removed."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKC", text):
        category = unicodedata.category(ch)
        if category == "Cc" or ch in _SPACED:
            out.append(" ")
        elif category not in _REMOVED_CATEGORIES:
            out.append(ch)
    return "".join(out)


def looks_like_instruction(text: str) -> bool:
    """Whether normalized text reads as an instruction to the model rather than a product or a search."""
    return _INSTRUCTION.search(text) is not None
