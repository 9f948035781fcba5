"""Chinese names for the sample world: companies, accounts and staff.

Names are built from small pools by index so that every customer gets a distinct,
plausible company name (城市 + 字号 + 行业用语 + 有限公司) whose industry and region agree
with the name, and an account name spelled from the 字号's pinyin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# City -> region (大区) of Huawei Cloud sales.
CITIES: tuple[tuple[str, str], ...] = (
    ("深圳", "华南"),
    ("广州", "华南"),
    ("东莞", "华南"),
    ("厦门", "华南"),
    ("上海", "华东"),
    ("杭州", "华东"),
    ("南京", "华东"),
    ("苏州", "华东"),
    ("宁波", "华东"),
    ("合肥", "华东"),
    ("济南", "华东"),
    ("北京", "华北"),
    ("天津", "华北"),
    ("石家庄", "华北"),
    ("成都", "西南"),
    ("重庆", "西南"),
    ("贵阳", "西南"),
    ("武汉", "华中"),
    ("长沙", "华中"),
    ("郑州", "华中"),
    ("西安", "西北"),
    ("兰州", "西北"),
    ("沈阳", "东北"),
    ("大连", "东北"),
)

# The two characters of a 字号, each with its pinyin (for account names).
BRAND_FIRST: tuple[tuple[str, str], ...] = (
    ("星", "xing"), ("云", "yun"), ("智", "zhi"), ("恒", "heng"), ("博", "bo"),
    ("华", "hua"), ("汇", "hui"), ("天", "tian"), ("数", "shu"), ("金", "jin"),
    ("瑞", "rui"), ("宏", "hong"), ("卓", "zhuo"), ("鼎", "ding"), ("新", "xin"),
    ("海", "hai"), ("景", "jing"), ("润", "run"), ("凯", "kai"), ("盛", "sheng"),
)  # fmt: skip
BRAND_SECOND: tuple[tuple[str, str], ...] = (
    ("河", "he"), ("帆", "fan"), ("联", "lian"), ("信", "xin"), ("远", "yuan"),
    ("创", "chuang"), ("通", "tong"), ("择", "ze"), ("启", "qi"), ("石", "shi"),
    ("达", "da"), ("图", "tu"), ("辰", "chen"), ("桥", "qiao"), ("峰", "feng"),
    ("源", "yuan"), ("泰", "tai"), ("航", "hang"), ("澜", "lan"), ("驰", "chi"),
)  # fmt: skip

# 行业用语 in the company name -> industry (行业) of the customer.
TRADES: tuple[tuple[str, str], ...] = (
    ("数据科技", "互联网"),
    ("信息技术", "互联网"),
    ("网络科技", "互联网"),
    ("智能制造", "制造业"),
    ("精密机械", "制造业"),
    ("电子商务", "零售电商"),
    ("生物医药", "医疗健康"),
    ("医疗器械", "医疗健康"),
    ("供应链管理", "交通物流"),
    ("教育科技", "教育"),
    ("文化传媒", "文化传媒"),
    ("新能源", "能源"),
    ("金融信息服务", "金融"),
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁"
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力斌宇浩凯晨欣怡嘉子涵"

NAME_COMBINATIONS = len(CITIES) * len(BRAND_FIRST) * len(BRAND_SECOND) * len(TRADES)


@dataclass(frozen=True)
class Company:
    name: str
    account_name: str
    industry: str
    region: str


def company(index: int, number: int) -> Company:
    """The company for a combination index (< NAME_COMBINATIONS) and the customer's number."""
    index, trade = divmod(index, len(TRADES))
    index, second = divmod(index, len(BRAND_SECOND))
    city, first = divmod(index, len(BRAND_FIRST))
    city_name, region = CITIES[city % len(CITIES)]
    brand = BRAND_FIRST[first][0] + BRAND_SECOND[second][0]
    pinyin = BRAND_FIRST[first][1] + BRAND_SECOND[second][1]
    trade_name, industry = TRADES[trade]
    return Company(
        name=f"{city_name}{brand}{trade_name}有限公司",
        account_name=f"{pinyin}{number:05d}",
        industry=industry,
        region=region,
    )


def companies(rng: np.random.Generator, count: int) -> list[Company]:
    """`count` companies with distinct names (a branch suffix once the pools run out)."""
    picks = rng.choice(NAME_COMBINATIONS, size=min(count, NAME_COMBINATIONS), replace=False)
    out = [company(int(i), n + 1) for n, i in enumerate(picks)]
    for n in range(len(out), count):
        base = company(n % NAME_COMBINATIONS, n + 1)
        # Beyond the pools (scale > ~500), branch offices keep the names distinct.
        branch = n // NAME_COMBINATIONS
        out.append(
            Company(f"{base.name}第{branch}分公司", base.account_name, base.industry, base.region)
        )
    return out


def person_names(rng: np.random.Generator, count: int) -> list[str]:
    """`count` distinct Chinese personal names (surname + one or two given characters)."""
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < count:
        surname = SURNAMES[int(rng.integers(len(SURNAMES)))]
        given_length = 1 + int(rng.random() < 0.6)
        given = "".join(
            GIVEN_CHARS[int(i)] for i in rng.integers(len(GIVEN_CHARS), size=given_length)
        )
        if surname + given not in seen:
            seen.add(surname + given)
            out.append(surname + given)
    return out
