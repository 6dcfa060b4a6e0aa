"""Where the product's model of a rule departs from OpenFisca-France's, and why.

Each correction replaces one OpenFisca-France variable with a formula that
follows the legal text more closely; every other rule is OpenFisca-France's
own. The product's engine and the plain system the tests' oracle runs both
carry them (:func:`apply_corrections`), so they compute the same law.

* **Prime de Noël** (``aefa``). The yearly décret pays it to the households
  entitled to the RSA (or the ASS, the AER) "au titre du mois de novembre ou, à
  défaut, au titre du mois de décembre" (e.g. décret n° 2023-1184 du 14
  décembre 2023, art. 1 and 2; décret n° 2022-1568 du 14 décembre 2022).
  OpenFisca-France pays it for any month of the year with one of these
  benefits: a household whose RSA stopped in the spring, or whose ASS ended at
  the retirement age in July, would be told it gets a prime it does not get.
  Here the reference months are November and December of the year. The amount
  and its increases for the household's composition are OpenFisca-France's
  (152,45 € for one person; for an RSA household + 50 % for the second
  person, + 30 % for a couple's first two children or a single parent's
  second child, + 40 % for each child from the third; the composition read
  in January).
"""

from __future__ import annotations

from typing import Any

#: The months of the year whose entitlement opens the prime de Noël (1-based):
#: November, or failing that December.
PRIME_DE_NOEL_MONTHS = (11, 12)


def _prime_de_noel_variable() -> type:
    from numpy import maximum, minimum
    from openfisca_core.periods import DateUnit
    from openfisca_core.variables import Variable
    from openfisca_france.entities import Famille

    def formula_2009_01_01(famille: Any, period: Any, parameters: Any) -> Any:
        months = [period.first_month.offset(n - 1) for n in PRIME_DE_NOEL_MONTHS]

        def in_a_reference_month(read: Any) -> Any:
            entitled = read(months[0]) > 0
            for month in months[1:]:
                entitled = entitled | (read(month) > 0)
            return entitled

        on_rsa = in_a_reference_month(lambda m: famille("rsa", m))
        on_other = (
            in_a_reference_month(lambda m: famille.sum(famille.members("ass", m)))
            | in_a_reference_month(lambda m: famille.sum(famille.members("aer", m)))
            | in_a_reference_month(lambda m: famille("api", m))
        )
        prime = parameters(period).prestations_sociales.solidarite_insertion.autre_solidarite.aefa
        rates = prime.taux_majoration
        january = period.first_month
        parents = famille("nb_parents", january)
        children = famille("af_nbenf", january)
        # Increases (RSA households only): the second person of the household,
        # the first two children of a couple or the second child of a single
        # parent, and every child from the third.
        increase = (
            ((parents >= 2) + children >= 1) * rates.tx_2p
            + rates.tx_supp
            * (minimum(children, 2) * (parents == 2) + (parents == 1) * (children >= 2))
            + rates.tx_3pac * maximum(children - 2, 0)
        )
        amount = prime.montant_prime * (1 + on_rsa * increase)
        return (on_rsa | on_other) * amount

    return type(
        "aefa",
        (Variable,),
        {
            "value_type": float,
            "entity": Famille,
            "definition_period": DateUnit.YEAR,
            "label": "Prime de Noël, droits de novembre ou, à défaut, de décembre",
            "reference": [
                "Décret n° 2023-1184 du 14 décembre 2023, art. 1 et 2",
                "https://www.legifrance.gouv.fr/eli/decret/2023/12/14/2023-1184/jo/texte",
            ],
            "formula_2009_01_01": formula_2009_01_01,
        },
    )


def apply_corrections(system: Any) -> None:
    """Replace each corrected variable of ``system`` with the product's formula."""
    system.replace_variable(_prime_de_noel_variable())
