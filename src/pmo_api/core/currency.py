"""ISO 4217 currency codes in circulation (funds and precious metals left out)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema

ISO_4217 = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
    FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
    KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP
    MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR
    RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT
    TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER
    ZAR ZMW ZWG
    """.split()  # noqa: SIM905 (a block of codes reads better than 160 lines)
)


def _known_currency(code: str) -> str:
    if code not in ISO_4217:
        raise ValueError(f"'{code}' is not an ISO 4217 currency code (e.g. USD, EUR, GBP)")
    return code


# The schema lists the codes, so that a client (and the fuzzer) knows which three letters are
# taken: `^[A-Z]{3}$` alone would allow codes the server refuses.
CurrencyCode = Annotated[
    str,
    AfterValidator(_known_currency),
    WithJsonSchema(
        {"type": "string", "enum": sorted(ISO_4217), "description": "An ISO 4217 code."},
        mode="validation",
    ),
]
