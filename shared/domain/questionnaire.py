"""The simulation questionnaire: what we ask about a household, and why (R6).

Everything here is *diagnostic* data (policy §2.1). The model is the single
source of the household answers that :mod:`shared.services.eligibility` turns
into an OpenFisca situation; every question declares the aids that need it
(``QUESTIONS[...].needed_by``, as OpenFisca variable names of the aids), and
``tests/unit/simulation/test_questionnaire_r6.py`` proves from OpenFisca's own
trace that each declared aid really reads what the question fills (R6: every
question asked is strictly needed to decide at least one aid or its amount).

The API is adaptive: :func:`next_questions` only returns the unanswered
questions that can still change a result given the answers so far (no child →
no schooling question; owner → no rent question; …).

This module is pure: no OpenFisca, no Google Cloud import.
"""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cache, lru_cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from shared.domain.data_categories import DataCategory, categorised
from shared.domain.postal_codes import communes_for
from shared.domain.strict import BilingualText, StrictModel
from shared.errors import located_error

D = DataCategory.DIAGNOSTIC

#: A household larger than this is almost surely a data-entry error, and each
#: person multiplies the simulation cost; the CAF itself rarely sees more.
MAX_PERSONS = 12
#: Oldest plausible birth date, and the oldest month we accept per-month detail for.
EARLIEST_DATE = date(1900, 1, 1)
#: A declared monthly amount above this (1 M€) is a typo, not a resource.
MAX_MONTHLY_AMOUNT = 1_000_000.0
#: Savings / property above this (1 G€) are typos too.
MAX_ASSET_VALUE = 1_000_000_000.0

YEAR_MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
YearMonth = Annotated[str, StringConstraints(pattern=YEAR_MONTH_PATTERN)]
PersonId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
Amount = Annotated[float, Field(ge=0, le=MAX_MONTHLY_AMOUNT, allow_inf_nan=False)]
AssetValue = Annotated[float, Field(ge=0, le=MAX_ASSET_VALUE, allow_inf_nan=False)]


# ----------------------------------------------------------------- communes

# INSEE commune codes known to OpenFisca-France (its APL zoning of 2011 and the
# A/B/C zoning of July 2024), one 1000-bit bitmap per two-character prefix
# ("01".."95", "2A", "2B", "97" for the overseas departments), zlib + base64.
# Embedded so that validation never imports OpenFisca;
# ``test_commune_codes_match_openfisca`` checks it still equals what the installed
# OpenFisca knows and prints the new value when it does not.
_COMMUNE_PREFIXES = (
    "010203040506070809101112131415161718192122232425262728292A2B3031323334353637383940414243"
    "4445464748495051525354555657585960616263646566676869707172737475767778798081828384858687"
    "888990919293949597"
)
_COMMUNE_BITMAP = (
    "eNrFWn1sHEcV3/MlOadJajdt0qYf5ECtWkApf7RVkSpyBlLRICqsCIlWQbQ4FEVUwiFBtcr1PHZCJYOqEkSkACJNSqOA"
    "1JaDRrVVOfYEEEIFQVJAOCKcx4AaR3XjgRrf1B7PPOZr93bvzok/dq9j+27Pd7cz7+v33u/NlGECALoBqx81hscFwCXJ"
    "AQRsUY8jEmOk/s8+AmYImNJPWKK0t/wh9b2IuTHV9w4G1w/IvkvtK/M5c3UG6gzGrAD6VrTqPZGZd/I6A1W9jkPQmvHO"
    "XUAwnZzsxu+IvNhJGEwJIkFQ+OwjYuu9XqJjFlEMM0pn6kdpnehrNVJeI0Y9tbd4DRpSe9FA4GnEep7vLzgwvlpkLn61"
    "m3lO6ulGgA4jYRZQ0usgT4Ag/DUgE8w4rHDr0LGXN36PYJmSc4BKXEj3Fzi71NLbcCzEr/Y5dWtamTn8DP6yqFoL9wMW"
    "kDZNLjGHCwap94rFF/bVk9N6i8BrGhJqXkOH5BpVytAlIQd0NtC08bgZBDlmrqemgSKjcb1ayhFDw92Eg4ZzFSBPGeen"
    "ottglGDWSuqjm68gOdI3txmBsMCthHYxBElEd2UMB5lIOlQJwswgLsyoUGOFQifx30HxZZk5HNh71rqyhCCunGtD+CPI"
    "/VMCQ4mGmhuZRiYWP6ilkz2d3OSsTlyrcMeXVQYjIeBB1d/VHptbUKgNBaWO+hvluHIvDG4Regqhl4kxJKN2gp0UIqwL"
    "mUkw1MpGYPU3bKYiLqNOuwzP3VIYUFvfMusJUmdgV04yreh8y5IQDhmt/gnmjKIRzOJH9OVRH+sl/NRZ5ZReB0WXUDQP"
    "6JeypEuSxRZB0pTGgftIlT4DV8Pq31SEUyyguEPNybg1NAfnFdGkVa96Gq04JuNESYxdKlAIjUQFkthCQVnqL0wFdyVM"
    "T4OJmZxi6tBOAx/XtydSWYnG5YRSBPRkUs2q88l5LTBXGUfVL3oVLGZlV8aO7V87sj2d+vrvvOwXf3zN2z253Su3rW7L"
    "Ht+z6Udea6q34zP/e+Pu3tb21BfWpl4ZWxfz5C/1f6+j/2357EcpeX7X5LXo9OFvDpYx2fndC48BHe0+cnLNnX/YSovy"
    "wJR8cPPeZLAdWTi9PKZujh/ba1ILD8AVIrz1CmMJ6We4Oq+IaBpnSepBhsXDtctQj9he00rMGxZFKl9sWXZimTd7+hfx"
    "M1fNV6ip1aJJOcIYuBGRxE5fZZ0uRGgky9NlHX+mfrLqSraE87orTRipEHVKUQegirrSGWWNmYrBkbO/sE5QUEYgfAQP"
    "LovpjOoeFNVC5nWAK0NLae1tuemc0QMyyjgKQ0ga2FcpwNXP45d0smMwsRT9aH5exUZroi2BTB5qi/iGRiQMcRWdpxNz"
    "OIMcwjyhCG0yjDBv1kWSaRPVgowOambXw5iEm5JuhfHq7qNoTDPuCcdQEVhnVxUkMFq9GJlLIqMuiCgmlM2rJ9ciE4FD"
    "SYUUnSckYQOVzyVzgIrJa2AbFQCdjWl/hmU3tbIs6qhj57UWdCsgRxC4gKO3xzs5EwZc3jQ0THCN2T64ceuLikP9hSs4"
    "nVW4X7BNSr0mB405DqzrVMArSWpRk5NZH82kQmzbfFL8CQkSAKx+eNxSOcH/YSk9VknGOscZ4LotK7DdlyCLwfaJWTn0"
    "EnQeOQVvIZUjun7+Lgb5uORPwmxRdH6+iKaBkfPjR/YJxdEPj8DExRk8JQZezB8twd8pFH4j0NJtTk0xg0Nd7xwzMlhy"
    "TK9vbLO/TgmH/GTuf364didm8Um1Hy5o8ZS58b8VR8T7ZJeib3IARkro3l9KJX2pC8Mf7wMYMg6I5ziZATmnihzcrzxE"
    "UHGyqIJErlye5KgmmbOEAX7Uzem6HvoVobZade0+VOk4MRWKuj9PmGPwKJKUdHq2ASAZ1qWWxHihkrN4udDCvN3tY9Sp"
    "oBmR4dKGcTIZxD4NCvzKTiQxL9DyvZ1XPbtKTwYqYtUpKRfuoC1wchzJ3MXqXqRvTlx/zzMdV5xz7NcV1VNEN3gv1Sil"
    "6jtoPgei0VbRZUBG1JAYEbMTSn/bMFQ6jYtw9ODI3pKMFHzug2KJYCBrrSkrsYejlidRb8zEIDkKDIUtN3RMCEgm4Uqm"
    "G1lNhgKawD6DrapoZxqpFBBAUVe0msjhgluc8JWiq48lqr1shB6t75qREpqZgxSxKkMys48VKH8uVNNx4248uQ116Toi"
    "VC+gqPSsDxDopi7ozvYQwKBfUatcQvirls6pBelWLLL00hzoWDrIlJybhbGUVQK8ik5xA/mM+r129VtYUn9A4uB4AI3s"
    "5GJw+/Mh9q5Sabw2FxJGlGtxOx/BiqwpliK6gm4g0uGHEgk7CQWKkC/zNKG+oAjDAOTKLk8meoajMUdT6sa5syuu6YFi"
    "mD/x8EgFxCqbFc6F+JW7VH4fTne/fNSy7ahol0jBXB44ii5P3rO8TtHFE61jG5tv/8TZuw5tTG3qePL9h9Z+/GObvL3X"
    "b0uvf7385b6xD7d/6Oqdv7914Nf7H/vc3675zwt7Ro8f7jl2S1/rpx7csWJy1d4N69J/Huv/Tuqv2Y4Dr6baSse91ts+"
    "nVqow5UmzggK04JbYp7PK8w7yhVnIhfOEYl5GZWlGBlXcm6JPbH4cV3WGzk19swJFX3Chxymah3bcxTDihsqmBk0jBE6"
    "jZEmNFASu48L5W6mCbCpOOFdtPkyZZSorgl5dS3VSK7WkMNZEmqiKdOwOK8jeeNAptvGtaBdJq4nzPTnkT7QCC+DKOWx"
    "vmpJTnLhHC44/CSZ8uVOCcNlfVxlKokWXKXl7YbfuTdVJGqQzc32v6ziHIiJcNQxd5hBniG4GFdn0hzJMRsJinEPcqEu"
    "9eEJ4Zd1XKM8MYeVzAFYYuotRjXNiOWQDpYun6e9xo4mb1fz7lc874N9u449d2LdqufS6w82nX7o6Qe+3/Orjat/qJbT"
    "0r7H815vu/vmq3qa2zLb9mcfzja1NHknfvGTFae9H3yr49Hrtlybuu3OO/avzF419kz2k199tufYjQub/NCOc5mb3mg5"
    "25t/D4qJf73pXTwwVnzrt+PvweTv6+ts/crof2+ZlenGT77i4Wc29Nx/bsjb5m1/tO1gb9vuf97atuoF79gdT63Nek3f"
    "aDmbfbr3+D3rm1dnD67JXt18wzqvqa3QPnbddq/12/e1fsnr2/8zb+0D7e3p+w/e7N34gaYbNngPrVyx+IWMKXhB4TDI"
    "BG+Yq30Z90ZqnsBZrPL+D0fqx7o="
)

# Municipal arrondissements of Paris, Marseille and Lyon are accepted and mapped
# to their commune: CAF rules (zone APL) are defined at commune level.
_ARRONDISSEMENTS: tuple[tuple[str, range, str], ...] = (
    ("751", range(1, 21), "75056"),
    ("132", range(1, 17), "13055"),
    ("6938", range(1, 10), "69123"),
)


@cache
def _known_communes() -> frozenset[str]:
    raw = zlib.decompress(base64.b64decode(_COMMUNE_BITMAP))
    prefixes = [_COMMUNE_PREFIXES[i : i + 2] for i in range(0, len(_COMMUNE_PREFIXES), 2)]
    codes: set[str] = set()
    for index, prefix in enumerate(prefixes):
        chunk = raw[index * 125 : (index + 1) * 125]
        for number in range(1000):
            if chunk[number // 8] >> (number % 8) & 1:
                codes.add(f"{prefix}{number:03d}")
    return frozenset(codes)


@lru_cache(maxsize=65_536)  # codes of the INSEE form only: a batch asks each one 5 times
def commune_of(code: str) -> str:
    """The commune code OpenFisca reads for ``code`` (arrondissement → commune)."""
    for prefix, numbers, commune in _ARRONDISSEMENTS:
        suffix = code[len(prefix) :]
        if code.startswith(prefix) and suffix.isdigit() and int(suffix) in numbers:
            return commune
    return code


def _check_commune(code: str) -> str:
    code = code.strip().upper()
    if not re.fullmatch(r"[0-9][0-9AB][0-9]{3}", code):
        raise ValueError("an INSEE commune code has 5 characters, e.g. 75056 or 2A004")
    if commune_of(code) not in _known_communes():
        raise ValueError(f"unknown INSEE commune code {code}")
    return code


CommuneCode = Annotated[
    str,
    AfterValidator(_check_commune),
    Field(
        description="INSEE code of the commune (5 characters, e.g. 75056 Paris, 2A004 Ajaccio)",
        json_schema_extra={"minLength": 5},
    ),
]


def _check_postal_code(code: str) -> str:
    code = code.strip()
    if not re.fullmatch(r"[0-9]{5}", code):
        raise ValueError("a postal code has 5 digits, e.g. 69001")
    if not communes_for(code):
        raise ValueError(f"unknown postal code {code}")
    return code


PostalCode = Annotated[str, AfterValidator(_check_postal_code)]


def _choices(postal_code: str) -> str:
    return ", ".join(f"{c.insee} ({c.name})" for c in communes_for(postal_code))


def _names(postal_code: str) -> str:
    """The communes a postal code serves, by name: what a person chooses from."""
    return ", ".join(c.name for c in communes_for(postal_code))


# ----------------------------------------------------------------- enums


class Relationship(StrEnum):
    """Place of a person in the household, which decides the CAF "famille"."""

    APPLICANT = "applicant"  # the person asking (demandeur, personne de référence)
    SPOUSE = "spouse"  # spouse, PACS partner or cohabitant of the applicant
    CHILD = "child"  # child of the applicant or spouse, living here
    OTHER = "other"  # another adult living here (own CAF famille, own tax household)


class CoupleStatus(StrEnum):
    SINGLE = "single"
    MARRIED = "married"
    PACS = "pacs"
    COHABITING = "cohabiting"  # concubinage: a couple for the CAF, not for taxes


class ActivityStatus(StrEnum):
    """Same vocabulary as the catalogue's ``activity_status`` rule field."""

    EMPLOYED = "employed"
    SELF_EMPLOYED = "self_employed"
    UNEMPLOYED_COMPENSATED = "unemployed_compensated"  # receives the ARE
    UNEMPLOYED_NOT_COMPENSATED = "unemployed_not_compensated"
    IN_PAID_TRAINING = "in_paid_training"
    STUDENT = "student"
    RETIRED = "retired"
    INACTIVE = "inactive"


UNEMPLOYED = frozenset(
    {ActivityStatus.UNEMPLOYED_COMPENSATED, ActivityStatus.UNEMPLOYED_NOT_COMPENSATED}
)


class SchoolLevel(StrEnum):
    NONE = "none"
    NURSERY = "nursery"  # maternelle
    PRIMARY = "primary"  # école élémentaire
    MIDDLE = "middle"  # collège
    HIGH = "high"  # lycée
    HIGHER = "higher"  # enseignement supérieur


class HousingStatus(StrEnum):
    TENANT = "tenant"  # locataire, logement vide (parc privé)
    TENANT_FURNISHED = "tenant_furnished"  # locataire, meublé
    TENANT_SOCIAL = "tenant_social"  # locataire HLM
    FIRST_TIME_BUYER = "first_time_buyer"  # primo-accédant remboursant un prêt
    OWNER = "owner"
    HOSTED_FREE = "hosted_free"  # hébergé gratuitement
    RESIDENCE = "residence"  # foyer, résidence sociale
    HOMELESS = "homeless"


#: Statuses for which a rent (or loan repayment) is asked and housing aid possible.
RENT_PAYING = frozenset(
    {
        HousingStatus.TENANT,
        HousingStatus.TENANT_FURNISHED,
        HousingStatus.TENANT_SOCIAL,
        HousingStatus.FIRST_TIME_BUYER,
        HousingStatus.RESIDENCE,
    }
)


class ResourceKind(StrEnum):
    """Monthly resources and benefits a person receives (net amounts)."""

    SALARY = "salary"
    UNEMPLOYMENT = "unemployment"  # ARE
    RETIREMENT_PENSION = "retirement_pension"
    INVALIDITY_PENSION = "invalidity_pension"
    SICKNESS_ALLOWANCE = "sickness_allowance"  # indemnités journalières maladie
    ALIMONY_RECEIVED = "alimony_received"
    # Benefits already received: read by the other aids' resource bases (e.g.
    # the RSA counts the AAH of the previous quarter).
    AAH = "aah"
    ASS = "ass"
    RSA = "rsa"
    PPA = "ppa"
    HOUSING_AID = "housing_aid"
    FAMILY_ALLOWANCES = "family_allowances"
    FAMILY_SUPPLEMENT = "family_supplement"  # complément familial
    FAMILY_SUPPORT = "family_support"  # ASF
    PAJE_BASE = "paje_base"


# ----------------------------------------------------------------- models


class AnswerModel(StrictModel):
    """Every questionnaire model refuses unknown fields (a typo is a 422).

    Answers hold no free text longer than a commune or person id.
    """

    model_config = ConfigDict(str_max_length=200)


class Resource(AnswerModel):
    """One kind of resource of one person.

    ``monthly_amount`` applies to every month the rules read (up to the two
    previous calendar years: family aids read year N-2); ``by_month`` overrides
    it for the months where the amount differed (e.g. a job that ended).
    """

    kind: ResourceKind = Field(
        description=(
            "What the resource is: salary, unemployment (ARE), pensions, sickness"
            " allowance, alimony, or a benefit already received (aah, rsa, "
            "housing_aid…)."
        )
    )
    monthly_amount: Amount = Field(
        0.0,
        description=(
            "Net amount received each month, in euros; applies to every month the"
            " rules read (up to two calendar years back)."
        ),
    )
    by_month: dict[YearMonth, Amount] = Field(
        default_factory=dict,
        max_length=48,
        description=(
            "Net amounts in euros for the months that differ from monthly_amount,"
            " keyed by month (YYYY-MM)."
        ),
    )


class Person(AnswerModel):
    id: PersonId = Field(
        description=(
            "Identifier of the person within this household, chosen by the client"
            " (e.g. p1); questions and results refer to it."
        )
    )
    relationship: Relationship = Field(
        description=(
            "Place in the household: applicant (the person asking), spouse "
            "(spouse, PACS partner or cohabitant), child, or other adult."
        )
    )
    birth_date: date = Field(description="Date of birth, YYYY-MM-DD (from 1900 on).")
    activity: ActivityStatus | None = Field(
        None,
        description=(
            "Current occupation: employed, self_employed, unemployed_compensated "
            "(receives the ARE), unemployed_not_compensated, in_paid_training, "
            "student, retired or inactive; null if unknown."
        ),
    )
    #: Incapacity rate recognised by the CDAPH, in percent (0 = none).
    disability_rate: Annotated[int, Field(ge=0, le=100)] = Field(
        0, description="Incapacity rate recognised by the CDAPH, in percent (0 to 100; 0 = none)."
    )
    #: Restriction substantielle et durable d'accès à l'emploi (RSDAE), CDAPH.
    disability_restriction: bool = Field(
        False,
        description=(
            "Whether the CDAPH recognised a substantial and lasting restriction "
            "of access to employment (RSDAE)."
        ),
    )
    school_level: SchoolLevel = Field(
        SchoolLevel.NONE,
        description=(
            "Schooling of a child: none, nursery (maternelle), primary, middle "
            "(collège), high (lycée) or higher education."
        ),
    )
    #: Child in alternating residence (garde alternée).
    alternate_custody: bool = Field(
        False,
        description=(
            "Whether the child lives in alternating residence (garde alternée) between two parents."
        ),
    )
    #: ARE rights exhausted and 5 years of work in the last 10 (ASS, C. trav. L5423-1).
    unemployment_rights_exhausted: bool = Field(
        False,
        description=(
            "Whether the person's ARE unemployment rights are exhausted after 5 "
            "years of work in the last 10 (opens the ASS)."
        ),
    )
    resources: list[Resource] = Field(
        default_factory=list,
        max_length=len(ResourceKind),
        description="The person's monthly resources, one entry per kind, net amounts in euros.",
    )

    @field_validator("birth_date")
    @classmethod
    def _plausible_birth_date(cls, value: date) -> date:
        if value < EARLIEST_DATE:
            raise ValueError("birth date before 1900")
        if value > date(2100, 1, 1):
            raise ValueError("birth date too far in the future")
        return value

    @field_validator("resources")
    @classmethod
    def _one_entry_per_kind(cls, value: list[Resource]) -> list[Resource]:
        kinds = [resource.kind for resource in value]
        if len(kinds) != len(set(kinds)):
            raise ValueError("each resource kind may be declared once per person")
        return value


class Housing(AnswerModel):
    """Where and how the household lives.

    People know their postal code: ``postal_code`` alone is enough when it
    serves one commune; when it serves several, ``commune`` (the INSEE code,
    the value the rules read and the one stored) says which, and a missing
    or foreign one is refused at ``housing.commune`` with the choices.
    """

    status: HousingStatus = Field(
        description=(
            "Housing situation: tenant (unfurnished, private), tenant_furnished, "
            "tenant_social (HLM), first_time_buyer (repaying a loan), owner, "
            "hosted_free, residence (foyer, social residence) or homeless."
        )
    )
    #: Monthly rent without charges, or loan repayment for a first-time buyer.
    rent: Amount | None = Field(
        None,
        description=(
            "Monthly rent without charges in euros, or the monthly loan repayment"
            " of a first-time buyer; only for statuses that pay one."
        ),
    )
    commune: CommuneCode
    postal_code: PostalCode | None = Field(
        None,
        description="French postal code (5 digits); enough alone when it serves a single commune.",
    )
    #: Colocation: the housing aid is computed on the person's share.
    shared: bool = Field(
        False,
        description=(
            "Whether the housing is shared (colocation): the housing aid is "
            "computed on the person's share."
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _commune_from_postal_code(cls, data: Any) -> Any:
        if not isinstance(data, Mapping) or data.get("commune") is not None:
            return data
        postal = data.get("postal_code")
        if not isinstance(postal, str):
            return data  # "commune" missing: the usual required-field error
        served = communes_for(postal.strip())
        if len(served) == 1:
            return {**data, "commune": served[0].insee}
        if len(served) > 1:
            raise located_error(
                ("commune",),
                f"postal code {postal} serves several communes, choose one: {_choices(postal)}",
                fr=f"le code postal {postal} dessert plusieurs communes, choisissez la vôtre : "
                f"{_names(postal)}",
            )
        return data

    @model_validator(mode="after")
    def _commune_served_by_postal_code(self) -> Housing:
        if self.postal_code is None:
            return self
        served = {commune_of(c.insee) for c in communes_for(self.postal_code)}
        if commune_of(self.commune) not in served:
            raise located_error(
                ("commune",),
                f"commune {self.commune} is not served by postal code {self.postal_code}: "
                f"{_choices(self.postal_code)}",
                fr=f"cette commune n'est pas desservie par le code postal {self.postal_code} : "
                f"{_names(self.postal_code)}",
            )
        return self

    @model_validator(mode="after")
    def _rent_only_when_paid(self) -> Housing:
        if self.status not in RENT_PAYING and self.rent not in (None, 0):
            raise ValueError(f"no rent is expected for housing status {self.status.value}")
        return self


class Assets(AnswerModel):
    """Capital: the RSA, ASPA, ASS and CSS count a notional income on it."""

    #: Savings accounts (livret A, LDDS, PEL, assurance-vie…), total balance.
    savings: AssetValue = Field(
        0.0,
        description=(
            "Total balance of savings accounts (livret A, LDDS, PEL, life insurance…), in euros."
        ),
    )
    #: Market value of real estate owned but neither lived in nor rented.
    unrented_real_estate: AssetValue = Field(
        0.0,
        description=(
            "Market value in euros of real estate owned but neither lived in nor rented out."
        ),
    )


class Circumstances(AnswerModel):
    """The applicant's circumstances that only the catalogue's rule aids read.

    ``None`` means "not answered": a rule that needs it says "to check", never
    "not eligible".
    """

    widowed: bool | None = Field(
        None, description="Whether the applicant is widowed; null if not answered."
    )
    reduces_or_stops_work_to_care: bool | None = Field(
        None,
        description=(
            "Whether the applicant reduces or stops work to care for a relative; "
            "null if not answered."
        ),
    )
    reduces_or_stops_work_to_raise_child: bool | None = Field(
        None,
        description=(
            "Whether the applicant reduces or stops work to raise a young child; "
            "null if not answered."
        ),
    )
    cares_for_seriously_ill_child_under_20: bool | None = Field(
        None,
        description=(
            "Whether the applicant cares for a seriously ill, disabled or injured"
            " child under 20; null if not answered."
        ),
    )
    cares_for_dependent_or_disabled_relative: bool | None = Field(
        None,
        description=(
            "Whether the applicant cares for a dependent or disabled relative; "
            "null if not answered."
        ),
    )
    disability_criteria_met_before_60: bool | None = Field(
        None,
        description=(
            "Whether the disability criteria were met before the age of 60; null if not answered."
        ),
    )
    needs_help_for_daily_activities: bool | None = Field(
        None,
        description=(
            "Whether the applicant needs help for the activities of daily life; "
            "null if not answered."
        ),
    )


class Household(AnswerModel):
    """Everything the simulation needs to know about one household."""

    persons: list[Person] = categorised(
        D,
        min_length=1,
        max_length=MAX_PERSONS,
        description=(
            "Every person living in the household: the applicant first, then "
            "spouse, children and other adults."
        ),
    )
    couple_status: CoupleStatus = categorised(
        D,
        CoupleStatus.SINGLE,
        description=(
            "single, married, pacs (civil partnership) or cohabiting (a couple "
            "for the CAF, not for taxes)."
        ),
    )
    housing: Housing = categorised(
        D, description="Where and how the household lives: status, rent and commune."
    )
    assets: Assets = categorised(
        D,
        default_factory=Assets,
        description="Capital held by the household (savings, unrented real estate), in euros.",
    )
    #: Expected date of birth of a child on the way (PAJE allocation de naissance).
    expected_birth: date | None = categorised(
        D,
        None,
        description=(
            "Due date (YYYY-MM-DD) of a child on the way, if any: opens the PAJE birth grant."
        ),
    )
    circumstances: Circumstances = categorised(
        D,
        default_factory=Circumstances,
        description=(
            "The applicant's circumstances read by some aids; null answers mean not answered."
        ),
    )

    @field_validator("persons")
    @classmethod
    def _unique_ids(cls, persons: list[Person]) -> list[Person]:
        ids = [person.id for person in persons]
        if len(ids) != len(set(ids)):
            raise ValueError("person ids must be unique")
        return persons

    @model_validator(mode="after")
    def _consistent_family(self) -> Household:
        roles = [person.relationship for person in self.persons]
        if roles.count(Relationship.APPLICANT) != 1:
            raise ValueError("exactly one person must be the applicant")
        spouses = roles.count(Relationship.SPOUSE)
        if spouses > 1:
            raise ValueError("at most one spouse")
        if (spouses == 1) != (self.couple_status != CoupleStatus.SINGLE):
            raise ValueError("a spouse is declared if and only if couple_status is not single")
        parents = [p for p in self.persons if p.relationship in _PARENTS]
        youngest_parent = max(p.birth_date for p in parents)
        for index, person in enumerate(self.persons):
            if person.relationship is Relationship.CHILD and person.birth_date <= youngest_parent:
                # Located on the child so the 422 names the offending field.
                raise located_error(
                    ("persons", index, "birth_date"),
                    "a child cannot be older than the applicant or spouse",
                )
        if self.expected_birth is not None and not (
            EARLIEST_DATE < self.expected_birth < date(2100, 1, 1)
        ):
            raise located_error(("expected_birth",), "implausible expected birth date")
        return self

    def applicant(self) -> Person:
        return next(p for p in self.persons if p.relationship is Relationship.APPLICANT)


_PARENTS = (Relationship.APPLICANT, Relationship.SPOUSE)


# ----------------------------------------------------------------- questions

QuestionType = Literal["date", "enum", "number", "boolean", "string", "list", "month_amounts"]


class Question(AnswerModel):
    """A question the front end may ask next (the adaptive API's response)."""

    id: str = Field(
        description=(
            "Answer key: where the answer goes in the household, e.g. housing.rent, "
            "or persons.<person id>.birth_date for a question about one person."
        )
    )
    label: BilingualText = Field(
        description="The question as a person reads it, in French and English."
    )
    type: QuestionType = Field(
        description=(
            "Expected answer type: date (YYYY-MM-DD), enum (one of options), "
            "number, boolean, string, list, or month_amounts (amount per YYYY-MM "
            "month)."
        )
    )
    options: list[str] | None = Field(
        None, description="Allowed answer values when type is enum or list; null otherwise."
    )
    #: What a person reads for each option, when the values are codes.
    option_labels: list[str] | None = Field(
        None,
        description=(
            "What a person reads for each option when the values are codes (e.g. commune "
            "names for INSEE codes), in the same order; null otherwise."
        ),
    )
    person_id: str | None = Field(
        None,
        description=(
            "The household member the question is about; null for a household-level question."
        ),
    )
    #: Catalogue ids of the aids that need the answer (R6).
    needed_by: list[str] = Field(
        description="Catalogue ids of the aids whose result depends on this answer."
    )


# Aids are named here by the OpenFisca variable that computes them: these names
# are stable across catalogue edits, and the catalogue maps them to its ids
# through ``aid.computation.variable``. Rule aids are reached through the rule
# fields (``rule_fields.yaml``) a question feeds.
HOUSING_AIDS = ("aide_logement", "apl", "alf", "als")
CHILD_AIDS = (
    "af",
    "cf",
    "asf",
    "ars",
    "paje_base",
    "paje_cmg",
    "aeeh",
    "bourse_college",
    "bourse_lycee",
    "paris_logement_familles",
)
BIRTH_AIDS = ("paje_naissance",)
INCOME_TESTED = (
    "rsa",
    "ppa",
    *HOUSING_AIDS,
    "cf",
    "ars",
    "paje_base",
    "paje_naissance",
    "aah",
    "aspa",
    "asi",
    "ass",
    "css_participation_forfaitaire",
    "cmu_c",
    "cheque_energie",
    "bourse_college",
    "bourse_lycee",
    "bourse_criteres_sociaux",
)
ALL_AIDS = tuple(dict.fromkeys(CHILD_AIDS + BIRTH_AIDS + INCOME_TESTED + ("aefa", "mva")))

Applies = Callable[[Mapping[str, Any], Mapping[str, Any], date], bool]


def _always(person: Mapping[str, Any], answers: Mapping[str, Any], today: date) -> bool:
    return True


@dataclass(frozen=True)
class QuestionSpec:
    """One question of the questionnaire and the reason it is asked (R6).

    ``feeds`` are the OpenFisca input variables the answer fills and
    ``needed_by`` the OpenFisca variables of the aids that read them (the R6
    test checks each pair against OpenFisca's trace); ``rule_fields`` the
    catalogue rule fields it answers (the test checks a rule aid reads each).
    ``applies`` says whether the question concerns a person (``per_person``)
    or the household. ``required`` marks an answer the simulation cannot run
    without (the home's commune, which :class:`Housing` requires whatever the
    status): it is asked while it applies even when every aid needing it is
    ruled out, else an owner or a person hosted for free, for whom no housing
    aid remains, would never be asked it and every simulation would be refused.
    """

    key: str
    label_fr: str
    label_en: str
    type: QuestionType
    feeds: tuple[str, ...] = ()
    needed_by: tuple[str, ...] = ()
    rule_fields: tuple[str, ...] = ()
    per_person: bool = False
    options: tuple[str, ...] | None = None
    applies: Applies = _always
    required: bool = False


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _age(person: Mapping[str, Any], today: date) -> int | None:
    born = _as_date(person.get("birth_date"))
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _age_between(low: int, high: int) -> Applies:
    def applies(person: Mapping[str, Any], answers: Mapping[str, Any], today: date) -> bool:
        age = _age(person, today)
        return age is None or low <= age <= high

    return applies


def _is_child(person: Mapping[str, Any], answers: Mapping[str, Any], today: date) -> bool:
    return person.get("relationship") == Relationship.CHILD


def _adult_at(person: Mapping[str, Any], age: int | None) -> bool:
    """An adult for the questions: anyone but a child under 16 (unknown age: adult)."""
    return person.get("relationship") != Relationship.CHILD or age is None or age >= 16


def _is_adult(person: Mapping[str, Any], answers: Mapping[str, Any], today: date) -> bool:
    return _adult_at(person, _age(person, today))


def _restriction_matters(
    person: Mapping[str, Any], answers: Mapping[str, Any], today: date
) -> bool:
    # CSS art. L821-2: the RSDAE only matters for a rate from 50 % to 79 %.
    rate = person.get("disability_rate")
    return isinstance(rate, int) and 50 <= rate < 80


def _is_unemployed(person: Mapping[str, Any], answers: Mapping[str, Any], today: date) -> bool:
    return person.get("activity") in UNEMPLOYED  # StrEnum members equal their values


def _housing_status(answers: Mapping[str, Any]) -> str | None:
    housing = answers.get("housing")
    return housing.get("status") if isinstance(housing, Mapping) else None


def _pays_rent(person: Mapping[str, Any], answers: Mapping[str, Any], today: date) -> bool:
    status = _housing_status(answers)
    return status is None or status in RENT_PAYING


def _postal_code(answers: Mapping[str, Any]) -> str | None:
    housing = answers.get("housing")
    code = housing.get("postal_code") if isinstance(housing, Mapping) else None
    return code if isinstance(code, str) else None


def _no_commune_yet(person: Mapping[str, Any], answers: Mapping[str, Any], today: date) -> bool:
    return not _answered(answers, "housing.commune")


def _postal_code_is_shared(
    person: Mapping[str, Any], answers: Mapping[str, Any], today: date
) -> bool:
    """The commune is asked only when the postal code serves several communes."""
    code = _postal_code(answers)
    return code is not None and len(communes_for(code)) > 1


def _is_tenant(person: Mapping[str, Any], answers: Mapping[str, Any], today: date) -> bool:
    status = _housing_status(answers)
    return status is None or status in {
        HousingStatus.TENANT.value,
        HousingStatus.TENANT_FURNISHED.value,
        HousingStatus.TENANT_SOCIAL.value,
    }


def _persons(answers: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    persons = answers.get("persons")
    return [p for p in persons if isinstance(p, Mapping)] if isinstance(persons, list) else []


def _has_spouse(answers: Mapping[str, Any]) -> bool | None:
    if "persons" not in answers:
        return None
    return any(p.get("relationship") == Relationship.SPOUSE.value for p in _persons(answers))


#: Above this age nobody in the household is asked about an expected birth.
CHILDBEARING_AGE_LIMIT = 55
#: Youngest age at which a person can have earnings of their own (C. trav.
#: art. L4153-1: work from 16, holiday jobs from 14): younger children are not
#: asked about resources.
YOUNGEST_WORKING_AGE = 14


def _may_expect_a_child(person: Mapping[str, Any], answers: Mapping[str, Any], today: date) -> bool:
    """The applicant or spouse may be expecting: anyone of unknown age or under the limit."""
    parents = [
        p
        for p in _persons(answers)
        if p.get("relationship") in (Relationship.APPLICANT.value, Relationship.SPOUSE.value)
    ]
    ages = [_age(p, today) for p in parents]
    return not ages or any(age is None or age <= CHILDBEARING_AGE_LIMIT for age in ages)


def _may_have_resources(person: Mapping[str, Any], answers: Mapping[str, Any], today: date) -> bool:
    age = _age(person, today)
    return age is None or age >= YOUNGEST_WORKING_AGE


def _in_a_couple(person: Mapping[str, Any], answers: Mapping[str, Any], today: date) -> bool:
    return _has_spouse(answers) is not False


def _not_in_a_couple(person: Mapping[str, Any], answers: Mapping[str, Any], today: date) -> bool:
    return _has_spouse(answers) is not True


def _circumstance(
    key: str, fr: str, en: str, fields: tuple[str, ...], applies: Applies = _always
) -> QuestionSpec:
    return QuestionSpec(
        key=f"circumstances.{key}",
        label_fr=fr,
        label_en=en,
        type="boolean",
        rule_fields=fields,
        applies=applies,
    )


QUESTIONS: tuple[QuestionSpec, ...] = (
    QuestionSpec(
        key="persons",
        label_fr="Qui vit dans votre logement ? (vous, votre conjoint, vos enfants, autres)",
        label_en="Who lives in your home? (you, your partner, your children, others)",
        type="list",
        feeds=("date_naissance",),
        needed_by=ALL_AIDS,
        rule_fields=("lives_in_couple", "youngest_child_age"),
    ),
    QuestionSpec(
        key="couple_status",
        label_fr="Vivez-vous seul(e), ou êtes-vous marié(e), pacsé(e) ou en concubinage ?",
        label_en="Do you live alone, or are you married, in a civil partnership or cohabiting?",
        type="enum",
        # Every value the schema accepts: "single" is the answer of most people.
        options=tuple(s.value for s in CoupleStatus),
        feeds=("statut_marital",),
        applies=_in_a_couple,
        # Married and PACS partners file one tax return (CGI art. 6), which the
        # N-2 resources of family aids and the chèque énergie's RFR read.
        needed_by=(
            "af",
            "cf",
            "ars",
            "paje_base",
            "cheque_energie",
            "bourse_college",
            "bourse_lycee",
        ),
    ),
    QuestionSpec(
        key="birth_date",
        per_person=True,
        label_fr="Date de naissance",
        label_en="Date of birth",
        type="date",
        feeds=("date_naissance",),
        needed_by=ALL_AIDS,
        rule_fields=("age", "youngest_child_age"),
    ),
    QuestionSpec(
        key="activity",
        per_person=True,
        label_fr="Situation professionnelle",
        label_en="Occupation",
        type="enum",
        options=tuple(s.value for s in ActivityStatus),
        feeds=("activite",),
        applies=_is_adult,
        # CASF art. L262-4: students are excluded from the RSA (and so the PPA).
        needed_by=("rsa", "ppa", "aah", "ass"),
        rule_fields=("activity_status",),
    ),
    QuestionSpec(
        key="disability_rate",
        per_person=True,
        label_fr="Taux d'incapacité reconnu par la MDPH (0 si aucun)",
        label_en="Disability rate recognised by the MDPH (0 if none)",
        type="number",
        feeds=("taux_incapacite", "handicap"),
        needed_by=("aah", "aeeh", "asi", "rsa", "ppa", "mva"),
        rule_fields=("has_disability",),
    ),
    QuestionSpec(
        key="disability_restriction",
        per_person=True,
        label_fr=(
            "La CDAPH a-t-elle reconnu une restriction substantielle et durable d'accès à "
            "l'emploi ?"
        ),
        label_en=(
            "Has the CDAPH recognised a substantial and lasting restriction of access to "
            "employment?"
        ),
        type="boolean",
        feeds=("aah_restriction_substantielle_durable_acces_emploi",),
        applies=_restriction_matters,
        needed_by=("aah",),
    ),
    QuestionSpec(
        key="school_level",
        per_person=True,
        label_fr="Scolarité en cours",
        label_en="Current schooling",
        type="enum",
        options=tuple(s.value for s in SchoolLevel),
        feeds=("scolarite",),
        applies=_age_between(2, 30),
        needed_by=("bourse_college", "bourse_lycee", "bourse_criteres_sociaux"),
    ),
    QuestionSpec(
        key="alternate_custody",
        per_person=True,
        label_fr="L'enfant est-il en résidence alternée ?",
        label_en="Does the child live alternately with each parent?",
        type="boolean",
        feeds=("garde_alternee",),
        applies=_is_child,
        needed_by=("af", *HOUSING_AIDS, "rsa", "ppa"),
    ),
    QuestionSpec(
        key="unemployment_rights_exhausted",
        per_person=True,
        label_fr=(
            "Avez-vous épuisé vos droits au chômage (ARE) et travaillé 5 ans au cours des 10 "
            "dernières années ?"
        ),
        label_en="Have you exhausted your unemployment rights and worked 5 of the last 10 years?",
        type="boolean",
        feeds=("ass_precondition_remplie",),
        applies=_is_unemployed,
        needed_by=("ass",),
    ),
    QuestionSpec(
        key="resources",
        per_person=True,
        label_fr="Ressources mensuelles nettes (salaires, chômage, pensions, prestations reçues)",
        label_en="Net monthly resources (wages, unemployment, pensions, benefits received)",
        type="month_amounts",
        options=tuple(k.value for k in ResourceKind),
        applies=_may_have_resources,
        feeds=(
            "salaire_net",
            "salaire_imposable",
            "chomage_net",
            "chomage_imposable",
            "retraite_brute",
            "retraite_nette",
            "retraite_imposable",
            "pensions_invalidite",
        ),
        needed_by=INCOME_TESTED,
    ),
    QuestionSpec(
        key="housing.status",
        label_fr="Êtes-vous locataire, propriétaire, hébergé… ?",
        label_en="Are you a tenant, an owner, hosted…?",
        type="enum",
        options=tuple(s.value for s in HousingStatus),
        feeds=("statut_occupation_logement",),
        needed_by=(*HOUSING_AIDS, "rsa", "ppa", "cheque_energie", "cmu_c"),
    ),
    QuestionSpec(
        key="housing.rent",
        label_fr="Montant du loyer mensuel hors charges (ou de la mensualité de prêt)",
        label_en="Monthly rent excluding charges (or loan repayment)",
        type="number",
        feeds=("loyer",),
        applies=_pays_rent,
        needed_by=HOUSING_AIDS,
    ),
    QuestionSpec(
        key="housing.postal_code",
        label_fr="Code postal du logement",
        label_en="Postal code of the home",
        type="string",
        feeds=("depcom",),
        applies=_no_commune_yet,
        # Zone APL (arrêté du 27 septembre 2019, art. 2) sets the rent ceilings.
        needed_by=(*HOUSING_AIDS, "paris_logement_familles"),
        required=True,
    ),
    QuestionSpec(
        key="housing.commune",
        label_fr="Dans quelle commune se trouve le logement ?",
        label_en="In which commune is the home?",
        type="enum",
        feeds=("depcom",),
        applies=_postal_code_is_shared,
        needed_by=(*HOUSING_AIDS, "paris_logement_familles"),
        required=True,
    ),
    QuestionSpec(
        key="housing.shared",
        label_fr="Vivez-vous en colocation ?",
        label_en="Do you live in a flatshare?",
        type="boolean",
        feeds=("coloc",),
        applies=_is_tenant,
        needed_by=HOUSING_AIDS,
    ),
    QuestionSpec(
        key="assets.savings",
        label_fr="Montant total de votre épargne (livrets, assurance-vie…)",
        label_en="Total savings (savings accounts, life insurance…)",
        type="number",
        feeds=("livret_a",),
        # Capital counted as income: RSA art. R132-1 CASF, ASPA art. R815-25 CSS.
        needed_by=("rsa", "aspa", "asi", "css_participation_forfaitaire", "cmu_c"),
    ),
    QuestionSpec(
        key="assets.unrented_real_estate",
        label_fr="Valeur des biens immobiliers que vous n'habitez pas et ne louez pas",
        label_en="Value of real estate you neither live in nor rent out",
        type="number",
        feeds=("valeur_immo_non_loue",),
        needed_by=("rsa", "css_participation_forfaitaire", "cmu_c"),
    ),
    QuestionSpec(
        key="expected_birth",
        label_fr="Attendez-vous un enfant ? Si oui, date prévue de naissance",
        label_en="Are you expecting a child? If so, expected date of birth",
        type="date",
        feeds=("date_naissance", "enceinte"),
        applies=_may_expect_a_child,
        needed_by=("paje_naissance", "rsa"),
    ),
    _circumstance(
        "widowed",
        "Êtes-vous veuf ou veuve ?",
        "Are you widowed?",
        ("is_widowed",),
        _not_in_a_couple,
    ),
    _circumstance(
        "reduces_or_stops_work_to_care",
        "Réduisez-vous ou arrêtez-vous votre activité pour vous occuper d'un proche ?",
        "Do you reduce or stop working to care for a relative?",
        ("reduces_or_stops_work_to_care",),
    ),
    _circumstance(
        "reduces_or_stops_work_to_raise_child",
        "Réduisez-vous ou arrêtez-vous votre activité pour élever votre enfant ?",
        "Do you reduce or stop working to raise your child?",
        ("reduces_or_stops_work_to_raise_child",),
    ),
    _circumstance(
        "cares_for_seriously_ill_child_under_20",
        "Avez-vous à charge un enfant de moins de 20 ans gravement malade, accidenté ou "
        "handicapé ?",
        "Do you have a dependent child under 20 who is seriously ill, injured or disabled?",
        ("cares_for_seriously_ill_child_under_20",),
    ),
    _circumstance(
        "cares_for_dependent_or_disabled_relative",
        "Aidez-vous un proche en perte d'autonomie ou en situation de handicap ?",
        "Do you help a relative who has lost autonomy or is disabled?",
        ("cares_for_dependent_or_disabled_relative",),
    ),
    _circumstance(
        "disability_criteria_met_before_60",
        "Votre handicap remplissait-il déjà les critères avant vos 60 ans ?",
        "Did your disability already meet the criteria before you turned 60?",
        ("disability_criteria_met_before_60",),
    ),
    _circumstance(
        "needs_help_for_daily_activities",
        "Avez-vous besoin d'aide pour les actes essentiels de la vie quotidienne ?",
        "Do you need help with essential daily activities?",
        ("needs_help_for_daily_activities",),
    ),
)

SPECS_BY_KEY: dict[str, QuestionSpec] = {spec.key: spec for spec in QUESTIONS}


# ----------------------------------------------------------------- rule answers


def rule_answers(answers: Mapping[str, Any], today: date) -> dict[str, Any]:
    """The catalogue rule fields (``rule_fields.yaml``) known from ``answers``.

    ``answers`` has the shape of :class:`Household` (possibly partial, as JSON);
    a field whose answer is missing is absent, so a rule reading it is unknown.
    """
    out: dict[str, Any] = {}
    persons = _persons(answers)
    applicant = next(
        (p for p in persons if p.get("relationship") == Relationship.APPLICANT.value), None
    )
    if applicant is not None:
        age = _age(applicant, today)
        if age is not None:
            out["age"] = age
        if "activity" in applicant and applicant["activity"] is not None:
            out["activity_status"] = str(applicant["activity"])
        if "disability_rate" in applicant:
            out["has_disability"] = int(applicant["disability_rate"] or 0) > 0
    if "persons" in answers:
        out["lives_in_couple"] = bool(_has_spouse(answers))
        children = [p for p in persons if p.get("relationship") == Relationship.CHILD.value]
        out["children_count"] = len(children)
        ages = [_age(child, today) for child in children]
        if children and all(a is not None for a in ages):
            out["youngest_child_age"] = min(a for a in ages if a is not None)
    circumstances = answers.get("circumstances")
    if isinstance(circumstances, Mapping):
        for key, value in circumstances.items():
            if value is not None:
                out["is_widowed" if key == "widowed" else key] = value
    return out


# ----------------------------------------------------------------- adaptivity


@cache
def _text(fr: str, en: str) -> BilingualText:
    """One (frozen) text per wording: the rules below run for every household
    of a batch."""
    return BilingualText(fr=fr, en=en)


def ruled_out_aids(answers: Mapping[str, Any], today: date) -> dict[str, BilingualText]:
    """OpenFisca aid variables already ruled out by ``answers``, with the reason.

    Only preconditions that hold whatever the other answers are: the engine
    also skips these aids on complete households, and the differential test
    proves they compute to exactly 0 there.
    """
    out: dict[str, BilingualText] = {}
    if "persons" not in answers:
        return out
    persons = _persons(answers)
    # Each person's age once (the rules below read it up to four times).
    aged = [(p, _age(p, today)) for p in persons]
    children = [p for p in persons if p.get("relationship") == Relationship.CHILD]
    expecting = answers.get("expected_birth") not in (None, "")
    if not children:
        # Prestations familiales need a dependent child (CSS art. L512-1).
        for aid in CHILD_AIDS:
            out[aid] = _text(
                "Aucun enfant à charge dans le foyer.", "No dependent child in the household."
            )
        if expecting:
            del out["paje_base"]
    if "expected_birth" in answers and not expecting:
        # Allocation de naissance: paid in the 7th month of pregnancy (CSS art. D531-2).
        out["paje_naissance"] = _text("Aucune naissance attendue.", "No birth expected.")
    if all("disability_rate" in p for p in persons):
        # Grown-up children count too: the AAH is open from 16 (CSS art. L821-1).
        adults = [p for p, age in aged if age is None or age >= 16]
        if not any(int(p["disability_rate"]) >= 50 for p in adults):
            # CSS art. L821-1 and L821-2: an incapacity rate of at least 50 %.
            out["aah"] = _text(
                "Personne de 16 ans ou plus n'a un taux d'incapacité d'au moins 50 %.",
                "Nobody aged 16 or over has a disability rate of at least 50 %.",
            )
        if not any(int(p["disability_rate"]) >= 50 for p in children):
            # CSS art. L541-1: a child with an incapacity rate of at least 50 %.
            out["aeeh"] = _text(
                "Aucun enfant n'a un taux d'incapacité d'au moins 50 %.",
                "No child has a disability rate of at least 50 %.",
            )
    ages = [age for _, age in aged]
    if ages and all(a is not None for a in ages) and max(a for a in ages if a is not None) < 60:
        # CSS art. L815-1: 65, or the legal retirement age (62 and more) if unfit.
        out["aspa"] = _text(
            "Personne dans le foyer n'a l'âge requis (65 ans, ou 62 ans si inapte).",
            "Nobody in the household has the required age (65, or 62 if unfit for work).",
        )
    pensions = (ResourceKind.INVALIDITY_PENSION, ResourceKind.RETIREMENT_PENSION)
    if all("resources" in p for p in persons) and not any(
        resource.get("kind") in pensions for p in persons for resource in p["resources"] or ()
    ):
        # CSS art. L815-24: the ASI tops up an invalidity pension (or a disabled
        # person's retirement pension, before the ASPA's age).
        out["asi"] = _text(
            "Personne dans le foyer ne perçoit de pension d'invalidité ou de retraite.",
            "Nobody in the household receives an invalidity or retirement pension.",
        )
    adults = [p for p, age in aged if _adult_at(p, age)]
    if all(p.get("activity") is not None for p in adults) and not any(
        _is_unemployed(p, answers, today) for p in persons
    ):
        out["ass"] = _text(  # C. trav. L5423-1
            "Personne dans le foyer n'est demandeur d'emploi.",
            "Nobody in the household is a job seeker.",
        )
    status = _housing_status(answers)
    if status is not None and status not in RENT_PAYING:
        # CCH art. L821-1: a rent or a loan repayment for the main residence.
        for aid in HOUSING_AIDS:
            out[aid] = _text(
                "Le foyer ne paie ni loyer ni mensualité d'accession.",
                "The household pays neither rent nor a home-loan instalment.",
            )
    return out


def _answered(container: Mapping[str, Any], key: str) -> bool:
    node: Any = container
    for part in key.split("."):
        # A key present with null is an answer ("no expected birth"); the
        # front end omits the keys it has not asked yet.
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True


@dataclass(frozen=True)
class CatalogueIndex:
    """What :func:`next_questions` needs from the catalogue."""

    #: OpenFisca variable → catalogue ids of the aids it computes.
    by_variable: Mapping[str, tuple[str, ...]]
    #: Rule aids: (catalogue id, rule fields read, rule) — the rule is evaluated
    #: on partial answers with the catalogue's ``evaluate_rule``.
    rule_aids: tuple[tuple[str, frozenset[str], Any], ...]


@cache
def catalogue_index() -> CatalogueIndex:
    """The index of the installed catalogue (loaded once)."""
    from shared.domain.aids.catalogue import load_catalogue, rule_fields_of

    by_variable: dict[str, list[str]] = {}
    rule_aids: list[tuple[str, frozenset[str], Any]] = []
    for aid in load_catalogue().aids:
        computation = aid.computation
        if computation.kind == "openfisca":
            by_variable.setdefault(computation.variable, []).append(aid.id)
        else:
            fields = frozenset(c.field for c in rule_fields_of(computation.rule))
            rule_aids.append((aid.id, fields, computation.rule))
    return CatalogueIndex(
        by_variable={k: tuple(v) for k, v in by_variable.items()}, rule_aids=tuple(rule_aids)
    )


def needed_by_ids(
    spec: QuestionSpec,
    index: CatalogueIndex,
    ruled_out: Mapping[str, BilingualText] | None = None,
    answers_for_rules: Mapping[str, Any] | None = None,
) -> list[str]:
    """Catalogue ids of the aids that need ``spec`` and are not ruled out yet."""
    from shared.domain.aids.catalogue import evaluate_rule

    ruled_out = ruled_out or {}
    ids = {
        aid_id
        for variable in spec.needed_by
        if variable not in ruled_out
        for aid_id in index.by_variable.get(variable, ())
    }
    for aid_id, fields, rule in index.rule_aids:
        if not fields & set(spec.rule_fields):
            continue
        if answers_for_rules is not None and evaluate_rule(rule, answers_for_rules) is False:
            continue
        ids.add(aid_id)
    return sorted(ids)


def next_questions(
    partial_answers: dict[str, Any],
    today: date | None = None,
    index: CatalogueIndex | None = None,
) -> list[Question]:
    """The unanswered questions that can still change a result, in asking order.

    ``partial_answers`` has the shape of :class:`Household`, possibly incomplete
    (``persons`` entries may hold only ``id`` and ``relationship``). A question
    is skipped when it concerns nobody (no child → no custody question) or when
    every aid needing it is already ruled out (owner → no rent question).
    """
    today = today or date.today()
    index = index or catalogue_index()
    ruled_out = ruled_out_aids(partial_answers, today)
    known = rule_answers(partial_answers, today)
    questions: list[Question] = []
    for spec in QUESTIONS:
        needed_by = needed_by_ids(spec, index, ruled_out, known)
        if not needed_by and not spec.required:
            continue
        if spec.per_person:
            for person in _persons(partial_answers):
                if spec.key in person or not spec.applies(person, partial_answers, today):
                    continue
                questions.append(_question(spec, needed_by, str(person.get("id", ""))))
        elif not _answered(partial_answers, spec.key) and spec.applies({}, partial_answers, today):
            question = _question(spec, needed_by, None)
            postal = _postal_code(partial_answers)
            if spec.key == "housing.commune" and postal is not None:
                served = communes_for(postal)
                question.options = [c.insee for c in served]
                question.option_labels = [c.name for c in served]
            questions.append(question)
    return questions


def _question(spec: QuestionSpec, needed_by: list[str], person_id: str | None) -> Question:
    return Question(
        id=f"persons.{person_id}.{spec.key}" if person_id is not None else spec.key,
        label=BilingualText(fr=spec.label_fr, en=spec.label_en),
        type=spec.type,
        options=list(spec.options) if spec.options else None,
        person_id=person_id,
        needed_by=needed_by,
    )


def traceability_rows(index: CatalogueIndex | None = None) -> list[str]:
    """The R6 table of ``docs/simulation.md``: one Markdown row per question,
    with the catalogue aids that need it (checked by the R6 test)."""
    index = index or catalogue_index()
    rows = []
    for spec in QUESTIONS:
        scope = "per person" if spec.per_person else "household"
        feeds = ", ".join(f"`{name}`" for name in spec.feeds + spec.rule_fields)
        aids = ", ".join(needed_by_ids(spec, index))
        rows.append(f"| `{spec.key}` | {scope} | {feeds} | {aids} |")
    return rows
