"""Rule sets as data (rules.md): the parameters of scoring and checking, loaded from TOML.

`load_ruleset()` gives the bundled national defaults (cn-2020); `load_ruleset("my.toml")` a
user's copy. Code reads a rule set and never branches on a province or framework name.
"""

from .load import bundled_rulesets, load_ruleset, loads_ruleset
from .model import Band, CheckConfig, QualWords, RuleSet

__all__ = ["Band", "CheckConfig", "QualWords", "RuleSet", "bundled_rulesets", "load_ruleset", "loads_ruleset"]
