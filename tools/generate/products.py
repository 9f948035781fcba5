"""The Huawei Cloud products customers buy, with their typical prices.

`ModelArts` deliberately has no row in the default incentive policy library, so some
transactions earn rate 0 and still show up (DOMAIN rule 3).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Product:
    product_type: str
    name_zh: str  # the product name of an order, before the billing period
    daily_median: float  # median on-demand spend of one resource per day, CNY
    monthly_median: float  # median list price of a one-month subscription, CNY


PRODUCTS: tuple[Product, ...] = (
    Product("ECS", "弹性云服务器 ECS 通用计算型 s6.xlarge.2", 38.0, 820.0),
    Product("EVS", "云硬盘 EVS 超高IO 500GB", 7.5, 175.0),
    Product("OBS", "对象存储服务 OBS 标准存储资源包 1TB", 11.0, 99.0),
    Product("RDS", "云数据库 RDS for MySQL 4核8GB 主备", 32.0, 1450.0),
    Product("CDN", "内容分发网络 CDN 全站加速流量包 10TB", 19.0, 1300.0),
    Product("GaussDB", "云数据库 GaussDB 分布式版 8核32GB", 85.0, 4800.0),
    Product("ELB", "弹性负载均衡 ELB 独享型 中型I", 9.0, 380.0),
    Product("DCS", "分布式缓存服务 Redis 8GB 主备", 14.0, 560.0),
    Product("ModelArts", "AI开发平台 ModelArts 专属资源池 1*Ascend", 60.0, 6200.0),
)

PRODUCT_TYPES: tuple[str, ...] = tuple(p.product_type for p in PRODUCTS)

# How often each product appears among on-demand resources and orders (compute and
# storage dominate, AI is rare).
PRODUCT_WEIGHTS: tuple[float, ...] = (0.27, 0.16, 0.14, 0.1, 0.08, 0.05, 0.08, 0.08, 0.04)


def product(product_type: str) -> Product:
    return PRODUCTS[PRODUCT_TYPES.index(product_type)]
