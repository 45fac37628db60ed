"""Pydantic models of the organisation, budget and outcomes files."""
from .documents import Budget, Outcomes, ReportHeader, Series
from .goals import Assignment, Goal, Metric, MetricOutcome
from .ledger import Committee, Post, Row, Table
from .organisation import Organisation

__all__ = [
           "Assignment",
           "Budget",
           "Committee",
           "Goal",
           "Metric",
           "MetricOutcome",
           "Organisation",
           "Outcomes",
           "Post",
           "ReportHeader",
           "Row",
           "Series",
           "Table",
]
