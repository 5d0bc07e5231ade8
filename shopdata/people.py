"""Fake but realistic shop customers: names, CN mobile numbers, e-mails, addresses, consent, quiet hours.

The personal data exists so that tests can prove it never reaches the LLM.
"""

from __future__ import annotations

import random

from domain.channels import CHANNELS, Channel, Locale
from domain.people import QuietHours, User

SURNAMES = [("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
            ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"),
            ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"), ("林", "lin"), ("罗", "luo")]  # fmt: skip
GIVEN = [("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("秀英", "xiuying"), ("敏", "min"), ("静", "jing"),
         ("磊", "lei"), ("强", "qiang"), ("洋", "yang"), ("艳", "yan"), ("杰", "jie"), ("涛", "tao"),
         ("晓东", "xiaodong"), ("雪", "xue"), ("子涵", "zihan"), ("浩然", "haoran"), ("欣怡", "xinyi"),
         ("梓萱", "zixuan"), ("宇轩", "yuxuan"), ("思远", "siyuan")]  # fmt: skip
EN_FIRST = ["Emily", "James", "Olivia", "Daniel", "Sophie", "Michael", "Hannah", "Lucas", "Grace", "Ethan"]
EN_LAST = ["Smith", "Johnson", "Brown", "Miller", "Davis", "Wilson", "Taylor", "Clark", "Walker", "Young"]
CITIES = [("上海市", "Shanghai", ["浦东新区", "徐汇区", "静安区"]), ("北京市", "Beijing", ["朝阳区", "海淀区"]),
          ("广州市", "Guangzhou", ["天河区", "越秀区"]), ("深圳市", "Shenzhen", ["南山区", "福田区"]),
          ("杭州市", "Hangzhou", ["西湖区", "滨江区"]), ("成都市", "Chengdu", ["武侯区", "锦江区"])]  # fmt: skip
ROADS = [("中山路", "Zhongshan Rd"), ("人民路", "Renmin Rd"), ("建设路", "Jianshe Rd"), ("新华路", "Xinhua Rd")]
ZH_MAIL = ["163.com", "qq.com", "126.com", "sina.com", "foxmail.com"]
EN_MAIL = ["gmail.com", "outlook.com", "icloud.com", "yahoo.com"]
ABROAD = {0: "221 Baker Street, London NW1 6XE, UK", -5: "350 W 42nd St, Apt 12B, New York, NY 10036, USA"}
QUIET = [(22, 8), (22, 8), (22, 8), (23, 7), (23, 7), (21, 9), (0, 0)]
CONSENT_RATES: dict[Channel, float] = {"push": 0.70, "sms": 0.40, "email": 0.50}
NO_CONSENT_RATE = 0.10
"""Share of users who opted out of everything, on top of the per-channel rates."""


def make_user(rng: random.Random, n: int, locale: Locale, taken_phones: set[str]) -> User:
    """One user with ID ``u<nnn>``; ``taken_phones`` keeps mobile numbers unique."""
    city, city_en, districts = rng.choice(CITIES)
    road, road_en = rng.choice(ROADS)
    number, room = rng.randint(1, 999), rng.choice([101, 302, 601, 1203, 1801, 2305])
    offset = 8
    if locale == "zh":
        (surname, sur_py), (given, given_py) = rng.choice(SURNAMES), rng.choice(GIVEN)
        name = surname + given
        email = f"{given_py}{sur_py}{rng.randint(1, 99)}@{rng.choice(ZH_MAIL)}"
        address = f"{city}{rng.choice(districts)}{road}{number}号{rng.randint(1, 20)}栋{room}室"
    else:
        first, last = rng.choice(EN_FIRST), rng.choice(EN_LAST)
        name = f"{first} {last}"
        email = f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@{rng.choice(EN_MAIL)}"
        offset = rng.choice([8, 8, 8, 0, -5])
        address = ABROAD.get(offset, f"Room {room}, No. {number} {road_en}, {city_en}, China")
    phone = _unique_phone(rng, taken_phones)
    opted_out = rng.random() < NO_CONSENT_RATE
    consent = {ch: (not opted_out) and rng.random() < CONSENT_RATES[ch] for ch in CHANNELS}
    start, end = rng.choice(QUIET)
    return User(
        user_id=f"u{n:03d}",
        name=name,
        phone=phone,
        email=email,
        address=address,
        locale=locale,
        utc_offset_hours=offset,
        consent=consent,
        quiet_hours=QuietHours(start_hour=start, end_hour=end),
    )


def _unique_phone(rng: random.Random, taken: set[str]) -> str:
    """An 11-digit CN mobile number starting 13, 15 or 18, not yet in ``taken``."""
    while True:
        phone = rng.choice(["13", "15", "18"]) + "".join(rng.choice("0123456789") for _ in range(9))
        if phone not in taken:
            taken.add(phone)
            return phone
