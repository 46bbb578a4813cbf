"""Deterministic, seeded demo data for Linli: 小营街道 → 上羊市街社区 (金狮苑, 上羊市街小区,
城头巷小区) and a small 始版桥社区, with owners, tenants, organisations, 300 partners, the
district's property-company directory, the five spaces and one demo account per role.

`build.build_plan()` is a pure function of the seed (20261125); `load.demo_load()` writes the
plan once, in one transaction. Every demo account's password is "linli-demo-2026"; run
`manage.py demo_logins` for the list.
"""
