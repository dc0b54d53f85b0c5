"""Synthetic documents of fictitious issuers: views, planted defects, captures."""
