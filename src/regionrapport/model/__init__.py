"""Pydantic models of the organisation, budget and outcomes files."""
from .documents import Budget, Outcomes, ReportHeader, Series
from .goals import Assignment, Goal, Metric, MetricOutcome
from .ledger import Committee, Post, Row, Table
from .organisation import Organisation

__all__ = ["Budget", "Outcomes", "ReportHeader", "Series", "Assignment", "Goal", "Metric", "MetricOutcome",
           "Committee", "Post", "Row", "Table", "Organisation"]
