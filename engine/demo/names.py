"""Names for the demo company: people and customers that sound like where they are.

A German territory is worked by Julia Becker and sells to "Nordfeld Maschinen GmbH"; 华东 by 王静
selling to 上海华信科技有限公司. Pools are small and combinatorial; `engine.demo.accounts` makes
customer names unique so that the only duplicates in the demo are the deliberate ones.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace(" ", "")


def _western(first: str, last: str) -> tuple[str, str]:
    return f"{first} {last}", f"{_ascii(first)}.{_ascii(last)}"


def _eastern(first: str, last: str) -> tuple[str, str]:
    # first/last are "汉字|pinyin": family name first in the display, as written in Chinese.
    (first_han, first_py), (last_han, last_py) = first.split("|"), last.split("|")
    return f"{last_han}{first_han}", f"{first_py}.{last_py}"


def _family_first(first: str, last: str) -> tuple[str, str]:
    return f"{last} {first}", f"{_ascii(first)}.{_ascii(last)}"


PEOPLE: dict[str, tuple[tuple[str, ...], tuple[str, ...], Callable[[str, str], tuple[str, str]]]] = {
    "en": (("James", "Emily", "Michael", "Sarah", "David", "Jessica", "Daniel", "Laura", "Ryan", "Megan",
            "Chris", "Olivia", "Andrew", "Rachel", "Kevin", "Hannah"),
           ("Smith", "Johnson", "Brown", "Miller", "Davis", "Wilson", "Taylor", "Clark", "Walker", "Hughes",
            "Carter", "Bennett", "Foster", "Reed", "Murphy", "Collins"), _western),
    "de": (("Julia", "Lukas", "Anna", "Felix", "Lena", "Jonas", "Sophie", "Maximilian", "Katharina", "Tobias"),
           ("Becker", "Schmidt", "Wagner", "Hoffmann", "Schulz", "Keller", "Brandt", "Vogel", "Huber", "Meier"),
           _western),
    "nordic": (("Erik", "Ingrid", "Lars", "Sofie", "Mikkel", "Astrid", "Pieter", "Femke"),
               ("Lindqvist", "Andersen", "Johansson", "Virtanen", "de Vries", "Jansen", "Berg", "Nilsen"), _western),
    "pl": (("Piotr", "Katarzyna", "Tomasz", "Agnieszka", "Jan", "Petra"),
           ("Nowak", "Kowalski", "Wiśniewski", "Novák", "Horváth", "Popescu"), _western),
    "fr": (("Camille", "Julien", "Élodie", "Thomas", "Claire", "Antoine", "Manon", "Nicolas"),
           ("Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Fontaine"), _western),
    "it": (("Giulia", "Marco", "Lucía", "Alessandro", "Chiara", "Pablo", "Inês", "Matteo"),
           ("Rossi", "García", "Bianchi", "Fernández", "Romano", "Silva", "Ricci", "Moreno"), _western),
    "ar": (("Omar", "Layla", "Yusuf", "Noura", "Thabo", "Amira", "Daniel", "Noa"),
           ("Haddad", "Al-Mansouri", "Khalil", "Nkosi", "Cohen", "Farouk", "Mensah", "Levi"), _western),
    "zh": (("伟|wei", "静|jing", "磊|lei", "敏|min", "强|qiang", "丽|li", "军|jun", "婷|ting", "浩|hao", "雪|xue",
            "鹏|peng", "琳|lin"),
           ("王|wang", "李|li", "张|zhang", "刘|liu", "陈|chen", "杨|yang", "赵|zhao", "黄|huang", "周|zhou",
            "吴|wu", "徐|xu", "孙|sun"), _eastern),
    "ja": (("Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Kenji", "Yuki"),
           ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura"), _family_first),
    "ko": (("Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Su-bin"),
           ("Kim", "Lee", "Park", "Choi", "Jung", "Kang"), _family_first),
    "hi": (("Arjun", "Priya", "Rahul", "Ananya", "Vikram", "Kavya", "Rohan", "Sneha"),
           ("Sharma", "Patel", "Iyer", "Reddy", "Gupta", "Nair", "Singh", "Mehta"), _western),
    "sea": (("Wei Ling", "Arif", "Siti", "Somchai", "Maria", "Nguyen Anh", "Budi", "Mei"),
            ("Tan", "Rahman", "Lim", "Suwannarat", "Santos", "Tran", "Wijaya", "Ong"), _western),
    "pt": (("João", "Mariana", "Pedro", "Beatriz", "Lucas", "Camila", "Rafael", "Fernanda"),
           ("Silva", "Santos", "Oliveira", "Souza", "Costa", "Pereira", "Almeida", "Ribeiro"), _western),
    "es": (("Carlos", "Sofía", "Alejandro", "Valentina", "Diego", "Isabella", "Mateo", "Camila"),
           ("Hernández", "López", "González", "Ramírez", "Torres", "Flores", "Vargas", "Castro"), _western),
}

_CULTURES = {
    "T-EMEA-DACH": "de", "T-EMEA-CENTRAL": "de", "T-EMEA-NORDICS": "nordic", "T-EMEA-CEE": "pl",
    "T-EMEA-FRANCE": "fr", "T-EMEA-SOUTH": "fr", "T-EMEA-IBERIA-IT": "it", "T-EMEA-MEA": "ar",
    "T-APAC": "zh", "T-APAC-GC": "zh", "T-GC-EAST": "zh", "T-GC-NORTH": "zh", "T-GC-SOUTH": "zh",
    "T-GC-WEST": "zh", "T-APAC-NORTH": "ja", "T-APAC-JAPAN": "ja", "T-APAC-KOREA": "ko",
    "T-APAC-SOUTH": "hi", "T-APAC-INDIA": "hi", "T-APAC-ASEAN": "sea", "T-LATAM": "pt", "T-LATAM-BR": "pt",
    "T-BR": "pt", "T-LATAM-HISP": "es", "T-LATAM-MX": "es", "T-LATAM-SA": "es",
}


def culture_of(territory_id: str) -> str:
    """The naming culture of a territory's people (English unless listed)."""
    return _CULTURES.get(territory_id, "en")


# Customers -----------------------------------------------------------------------------------------
STEM_HEADS = ("North", "Blue", "Silver", "Bright", "Peak", "Iron", "Clear", "True", "Swift", "Stone", "Red",
              "Green", "Summit", "Harbor", "Pioneer", "Atlas", "Vertex", "Nova", "Apex", "Crest", "Cedar",
              "Falcon", "Orion", "Delta", "Quantum", "Sterling", "Granite", "Ever", "Horizon", "Liberty",
              "Nord", "Alpen", "Rhein", "Sol", "Luna", "Terra", "Aqua", "Vita", "Prima", "Astra")
STEM_TAILS = ("wave", "field", "point", "bridge", "core", "line", "gate", "works", "stone", "ridge", "view",
              "path", "forge", "light", "mark", "port", "well", "vale", "tec", "sys", "nex", "ion", "ora", "ica")
INDUSTRY_WORDS = {
    "Manufacturing": ("Industries", "Manufacturing", "Components", "Machinery"),
    "Financial Services": ("Capital", "Financial", "Bank", "Insurance"),
    "Healthcare": ("Health", "Medical", "Pharma", "Biotech"),
    "Retail": ("Retail", "Stores", "Brands", "Outfitters"),
    "Technology": ("Software", "Systems", "Technologies", "Labs"),
    "Energy": ("Energy", "Power", "Renewables", "Utilities"),
    "Public Sector": ("Public Services", "Authority", "Agency", "Municipal Services"),
    "Telecommunications": ("Telecom", "Networks", "Communications", "Connect"),
    "Education": ("University", "Academy", "Learning", "Institute"),
    "Logistics": ("Logistics", "Freight", "Shipping", "Transport"),
}
INDUSTRY_WORDS_ZH = {
    "Manufacturing": ("制造", "机械", "工业"), "Financial Services": ("金融", "投资", "保险"),
    "Healthcare": ("医疗", "医药", "生物"), "Retail": ("商贸", "零售", "百货"),
    "Technology": ("科技", "信息技术", "软件"), "Energy": ("能源", "电力", "新能源"),
    "Public Sector": ("公用事业", "城建", "环境"), "Telecommunications": ("通信", "网络", "电讯"),
    "Education": ("教育", "培训", "文化"), "Logistics": ("物流", "供应链", "运输"),
}
BRAND_CHARS = (("华", "hua"), ("信", "xin"), ("达", "da"), ("盛", "sheng"), ("恒", "heng"), ("泰", "tai"),
               ("新", "xin"), ("科", "ke"), ("联", "lian"), ("创", "chuang"), ("金", "jin"), ("宏", "hong"),
               ("远", "yuan"), ("通", "tong"), ("天", "tian"), ("瑞", "rui"), ("汇", "hui"), ("嘉", "jia"),
               ("益", "yi"), ("鼎", "ding"), ("安", "an"), ("博", "bo"), ("康", "kang"), ("润", "run"))
LEGAL_SUFFIX = {
    "US": ("Inc.", "LLC", "Corp."), "CA": ("Inc.", "Ltd."), "GB": ("Ltd", "plc"), "IE": ("Ltd", "DAC"),
    "DE": ("GmbH", "AG"), "AT": ("GmbH", "AG"), "CH": ("AG", "SA"), "FR": ("SA", "SAS"), "ES": ("S.L.", "S.A."),
    "PT": ("Lda.", "S.A."), "IT": ("S.p.A.", "S.r.l."), "NL": ("B.V.", "N.V."), "BE": ("NV", "SA"),
    "LU": ("S.A.",), "SE": ("AB",), "NO": ("AS",), "DK": ("A/S",), "FI": ("Oy",), "PL": ("Sp. z o.o.",),
    "CZ": ("s.r.o.",), "HU": ("Kft.",), "RO": ("S.R.L.",), "SK": ("s.r.o.",), "BR": ("Ltda.", "S.A."),
    "MX": ("S.A. de C.V.",), "JP": ("K.K.", "Co., Ltd."), "KR": ("Co., Ltd.",), "IN": ("Pvt Ltd", "Ltd"),
    "AU": ("Pty Ltd",), "NZ": ("Ltd",), "SG": ("Pte Ltd",), "MY": ("Sdn Bhd",), "ZA": ("(Pty) Ltd",),
}
DEFAULT_SUFFIX = ("Ltd", "Group")
TLD = {"US": "com", "CA": "ca", "GB": "co.uk", "IE": "ie", "DE": "de", "AT": "at", "CH": "ch", "FR": "fr",
       "ES": "es", "PT": "pt", "IT": "it", "NL": "nl", "BE": "be", "SE": "se", "NO": "no", "DK": "dk",
       "FI": "fi", "PL": "pl", "JP": "co.jp", "KR": "co.kr", "IN": "in", "AU": "com.au", "NZ": "co.nz",
       "SG": "com.sg", "BR": "com.br", "MX": "com.mx", "CN": "cn", "HK": "hk"}
