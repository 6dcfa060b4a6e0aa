"""OpenFisca-France behind one small interface: household answers in, aid amounts out.

Small modules, each one concern (measured on the 2-core development machine,
see ``docs/simulation.md`` and ``bench/simulation.py``):

* :mod:`.plan` — the input plan: answers → OpenFisca inputs as columns over
  any number of households, and the plain JSON situation of the same plan;
* :mod:`.steady_state` — benefits of past months computed month by month,
  oldest first, in the legal order of a month;
* :mod:`.system` — the tax-benefit system, its pickled parameters (cold start);
* :mod:`.corrections` — where a rule follows the legal text rather than
  OpenFisca-France (the prime de Noël's reference months);
* :mod:`.speedups` — numpy-built simulations, memoised calls and periods,
  parameter lookups by distinct key, skipped formulas;
* :mod:`.pruning` — which formulas are zero for every household we can
  describe (derived once, cached);
* :mod:`.engine` — the process-wide engine the use cases call;
* :mod:`.reference_households` — the households the profile is derived on.

``import openfisca_*`` happens only inside functions: importing the package is
cheap, and ``signup`` never imports it at all.
"""

from shared.adapters.openfisca.engine import (
    FrenchEngine,
    get_engine,
    household_values,
    keep_out_of_collector,
    reset_engine,
)
from shared.adapters.openfisca.plan import (
    BIRTH_GRANTS,
    PLAN_INPUT_VARIABLES,
    AidVariable,
    Plan,
    aid_variables_from_catalogue,
    birth_grant_month,
    declared_benefits,
    month_window,
    plan_household,
    plan_households,
    situation_json,
)
from shared.adapters.openfisca.pruning import (
    Profile,
    dependency_closure,
    derive_profile,
    static_dependencies,
)
from shared.adapters.openfisca.reference_households import reference_households
from shared.adapters.openfisca.speedups import (
    build_simulation,
    install_period_memo,
    install_vectorial_parameter_lookup,
    release,
)
from shared.adapters.openfisca.steady_state import STEADY_STATE_ORDER, settle
from shared.adapters.openfisca.system import (
    PROFILE_MONTHS,
    collector_paused,
    default_cache_dir,
    plain_system,
)

__all__ = [
    "BIRTH_GRANTS",
    "PLAN_INPUT_VARIABLES",
    "PROFILE_MONTHS",
    "STEADY_STATE_ORDER",
    "AidVariable",
    "FrenchEngine",
    "Plan",
    "Profile",
    "aid_variables_from_catalogue",
    "birth_grant_month",
    "build_simulation",
    "collector_paused",
    "declared_benefits",
    "default_cache_dir",
    "dependency_closure",
    "derive_profile",
    "get_engine",
    "household_values",
    "install_period_memo",
    "install_vectorial_parameter_lookup",
    "keep_out_of_collector",
    "month_window",
    "plain_system",
    "plan_household",
    "plan_households",
    "reference_households",
    "release",
    "reset_engine",
    "settle",
    "situation_json",
    "static_dependencies",
]
