"""The demo merchant's shops, goods and buyers' names, as data."""

from __future__ import annotations

from decimal import Decimal

ORG_NAME, ORG_SLUG = "Demo Merchant", "demo"
PASSWORD = "demo-password-2026"
# username, role, refund approval limit (None: no limit)
USERS = (
    ("demo", "owner", None),
    ("demo-supervisor", "supervisor", Decimal("10000")),
    ("demo-agent", "agent", Decimal("2000")),
    ("demo-warehouse", "warehouse", None),
    ("demo-finance", "finance", None),
)

SHOPS = (
    {"key": "douyin", "platform": "douyin", "name": "山野生活 抖音旗舰店", "platform_shop_id": "DY-88016", "region": "CN",
     "time_zone": "Asia/Shanghai", "currency": "CNY", "return_contact": "王仓管", "return_phone": "0571-8888-0101",
     "return_address": "浙江省杭州市余杭区仓前街道 良睦路 1399 号 山野生活退货仓"},
    {"key": "tiktok", "platform": "tiktok_shop", "name": "Mountain Living US", "platform_shop_id": "7495112233",
     "region": "US", "time_zone": "America/Los_Angeles", "currency": "USD", "business_calendar": "US",
     "vip_spend_threshold": Decimal("800"), "auto_approve_small_return_max": Decimal("15"),
     "return_contact": "Returns desk", "return_phone": "+1 909 555 0142",
     "return_address": "Mountain Living Returns, 1450 S Vintage Ave, Ontario, CA 91761, USA"},
    {"key": "taobao", "platform": "taobao", "name": "山野生活 淘宝店", "platform_shop_id": "TB-57730021", "region": "CN",
     "time_zone": "Asia/Shanghai", "currency": "CNY", "return_contact": "李仓管", "return_phone": "0571-8888-0102",
     "return_address": "浙江省杭州市余杭区仓前街道 良睦路 1399 号 山野生活退货仓 B 区"},
    {"key": "own", "platform": "own_store", "name": "山野生活官网", "platform_shop_id": "web", "region": "CN",
     "time_zone": "Asia/Shanghai", "currency": "CNY", "return_contact": "客服中心", "return_phone": "400-820-0101",
     "return_address": "上海市闵行区虹梅南路 2588 号 山野生活官网售后部"},
)
# share of the orders per shop
SHOP_WEIGHTS = {"douyin": 0.38, "tiktok": 0.2, "taobao": 0.3, "own": 0.12}

# code, Chinese title, English title, category, price in CNY, exclusion, warranty days, no-reason eligible
PRODUCTS = (
    ("TEE-CTN", "纯棉圆领T恤", "Cotton crew-neck T-shirt", "apparel", "79.00", "", 0, True),
    ("JKT-DWN", "轻薄羽绒服", "Light down jacket", "apparel", "459.00", "", 0, True),
    ("PNT-HIK", "速干徒步裤", "Quick-dry hiking trousers", "apparel", "239.00", "", 0, True),
    ("SHO-TRL", "越野跑鞋", "Trail running shoes", "shoes", "599.00", "", 0, True),
    ("BAG-DAY", "25L 双肩背包", "25 L day pack", "bags", "329.00", "", 0, True),
    ("EAR-BT5", "蓝牙降噪耳机", "Noise-cancelling Bluetooth earbuds", "electronics", "899.00", "", 365, True),
    ("LMP-CMP", "露营充电营地灯", "Rechargeable camping lantern", "electronics", "189.00", "", 180, True),
    ("PWR-20K", "20000mAh 移动电源", "20,000 mAh power bank", "electronics", "259.00", "", 365, True),
    ("MUG-TTN", "钛金属露营杯", "Titanium camping mug", "home", "149.00", "", 0, True),
    ("TNT-2P", "双人帐篷", "Two-person tent", "outdoor", "1299.00", "", 730, True),
    ("TEA-WLG", "明前龙井 250g", "Pre-Qingming Longjing tea 250 g", "food", "268.00", "perishable", 0, False),
    ("BRY-FRS", "新鲜蓝莓 4 盒装", "Fresh blueberries, 4 boxes", "food", "89.00", "perishable", 0, False),
    ("CAP-EMB", "定制刺绣棒球帽", "Custom embroidered cap", "apparel", "129.00", "custom_made", 0, False),
    ("MAP-DIG", "离线徒步地图年卡（数字）", "Offline hiking maps, 1-year code (digital)", "digital", "98.00", "digital", 0, False),
    ("MAG-OUT", "《户外探险》杂志 年订", "Outdoor Adventure magazine, 1-year subscription", "periodicals", "198.00", "periodical", 0, False),
    ("CRM-SUN", "户外防晒霜 SPF50", "Outdoor sunscreen SPF50", "beauty", "119.00", "", 0, True),
)
USD_PER_CNY = Decimal("0.14")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ("伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀兰", "霞", "平", "刚", "桂英", "子涵", "梓萱", "浩然", "欣怡", "宇轩", "思远", "雨桐", "一鸣", "佳怡",
         "俊杰", "诗涵", "博文", "晨曦")
FIRST = ("Emma", "Liam", "Olivia", "Noah", "Ava", "Elijah", "Sophia", "James", "Isabella", "Lucas", "Mia", "Mason",
         "Amelia", "Ethan", "Harper", "Logan", "Evelyn", "Aiden", "Abigail", "Jackson", "Emily", "Daniel", "Ella",
         "Henry", "Madison", "Wei", "Priya", "Carlos", "Fatima", "Kenji")
LAST = ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "Hernandez", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Chen",
        "Nguyen", "Patel", "Kim", "Walker")
CARRIERS_CN = ("SF", "ZTO", "YTO", "JD", "EMS")
CARRIERS_US = ("UPS", "USPS", "FedEx")

BUYER_MESSAGES_ZH = ("你好，请问什么时候能处理？", "东西收到有问题，麻烦尽快看一下", "已经寄回了，单号在申请里",
                     "能不能直接换一个？", "尺码偏小，想换大一码")
BUYER_MESSAGES_EN = ("Hi, when will this be looked at?", "The item arrived damaged, photos attached.",
                     "I've sent it back, tracking is in the request.", "Could you swap it for a larger size?")
SELLER_REPLIES_ZH = ("亲，已收到您的申请，我们会在今天内处理。", "抱歉给您带来不便，已为您加急处理。")
SELLER_REPLIES_EN = ("Thanks for reaching out, we're on it today.", "Sorry about that, we've prioritised your request.")

# case type -> reason codes that fit it
REASONS_BY_TYPE = {
    "cancel_pre_shipment": ("no_reason.unwanted", "fulfilment.late_shipment"),
    "refund_only": ("logistics.not_delivered", "quality.damaged", "fulfilment.missing_item", "no_reason.unwanted"),
    "return_refund": ("no_reason.size_fit", "no_reason.dislike", "quality.defect", "not_as_described.material",
                      "no_reason.unwanted"),
    "exchange": ("no_reason.size_fit", "quality.defect"),
    "repair": ("quality.malfunction",),
    "reship": ("fulfilment.missing_item", "logistics.damaged_in_transit"),
    "price_protection": ("price.protection",),
    "complaint": ("logistics.no_tracking", "other"),
    "other": ("negotiated", "other"),
}
