"""Emerging clusters: the detection (detect), its texts, and the service that keeps and
announces them and answers their buttons."""

from bot.insight.clusters.service import Answer, ClusterService

__all__ = ["Answer", "ClusterService"]
