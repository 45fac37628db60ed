"""Pure derived figures: the ledger (sums, relations, printed totals) and goal statuses."""
from .goals import judge, summarise, trend
from .ledger import Ledger, PostDef, Relation, Val, parse_relation

__all__ = ["Ledger", "PostDef", "Relation", "Val", "judge", "parse_relation", "summarise", "trend"]
