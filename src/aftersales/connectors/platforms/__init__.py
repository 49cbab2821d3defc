"""One connector per platform, by the Shop.platform code it serves."""

from aftersales.connectors.base import Connector
from aftersales.connectors.platforms.douyin import Douyin
from aftersales.connectors.platforms.shopify import Shopify
from aftersales.connectors.platforms.taobao import Taobao
from aftersales.connectors.platforms.tiktok_shop import TikTokShop

CONNECTORS: dict[str, Connector] = {c.platform: c for c in (Douyin(), TikTokShop(), Taobao(), Shopify())}
