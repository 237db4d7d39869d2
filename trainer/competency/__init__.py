"""Competencies: the framework, the evidence behind every profile, and (later) proficiency."""
