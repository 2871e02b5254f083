"""Benchmarks of policykg at growing corpus sizes (synthetic documents, never mixed into corpus/)."""
