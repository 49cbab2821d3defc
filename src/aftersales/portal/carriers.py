"""Carriers a buyer may send a return with, and what their tracking numbers look like.

The formats are the published shapes of each carrier's waybill numbers, loose enough to take
every real one (a wrong refusal costs the buyer more than a typo costs us: the team sees the
number and the carrier's tracking tells the rest).  Spaces and dashes are ignored; letters are
compared in capitals.  "OTHER" takes any 6-40 letters and digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Carrier:
    code: str
    zh: str
    en: str
    pattern: str          # a regular expression the whole (normalised) number must match
    example: str
    region: str = "CN"    # "CN" | "US" | "" (anywhere)

    def name(self, lang: str) -> str:
        return self.zh if lang.startswith("zh") else self.en

    def accepts(self, number: str) -> bool:
        return re.fullmatch(self.pattern, normalise(number)) is not None


CARRIERS: dict[str, Carrier] = {c.code: c for c in (
    Carrier("SF", "顺丰速运", "SF Express", r"SF\d{12,15}", "SF1234567890123"),
    Carrier("ZTO", "中通快递", "ZTO Express", r"(ZTO)?\d{12,15}", "75312345678901"),
    Carrier("YTO", "圆通速递", "YTO Express", r"(YT\d{13,15}|YTO\d{12,15}|\d{10,13})", "YT1234567890123"),
    Carrier("STO", "申通快递", "STO Express", r"(STO)?\d{12,15}", "773123456789012"),
    Carrier("YD", "韵达快递", "Yunda Express", r"(YD)?\d{13,15}", "4312345678901"),
    Carrier("JD", "京东物流", "JD Logistics", r"(JD[A-Z0-9]{11,16}|JDV\d{12})", "JDX012345678901"),
    Carrier("EMS", "邮政 EMS", "China Post EMS", r"(EMS\d{11,13}|[A-Z]{2}\d{9}[A-Z]{2}|1\d{12})", "EA123456789CN"),
    Carrier("JT", "极兔速递", "J&T Express", r"(JT\d{13})", "JT1234567890123"),
    Carrier("UPS", "UPS", "UPS", r"(1Z[A-Z0-9]{16}|UPS\d{12})", "1Z999AA10123456784", region="US"),
    Carrier("USPS", "美国邮政 USPS", "USPS", r"(\d{20,22}|[A-Z]{2}\d{9}US|USPS\d{12})", "9400111899223344556677",
            region="US"),
    Carrier("FedEx", "联邦快递 FedEx", "FedEx", r"(\d{12}|\d{15}|\d{20}|\d{22}|FEDEX\d{12})", "123456789012",
            region="US"),
    Carrier("DHL", "DHL", "DHL", r"(\d{10,11}|JJD\d{18}|[A-Z]{3}\d{7})", "1234567890", region=""),
    Carrier("OTHER", "其他快递", "Another carrier", r"[A-Z0-9]{6,40}", "", region=""),
)}


def normalise(number: str) -> str:
    return re.sub(r"[\s\-]", "", number or "").upper()


def for_region(region: str) -> list[Carrier]:
    """The carriers a shop's buyers use: the region's, then those that go anywhere."""
    return [c for c in CARRIERS.values() if c.region == region] + [c for c in CARRIERS.values() if not c.region]
