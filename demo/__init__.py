"""Demo data (dữ liệu mẫu): a province like Lào Cai (H38), its catalogue, staff and cases,
and the embedded mode that serves it.

The data: `province` (the agencies, the government's working-day swaps, the demo users),
`procedures` (the catalogue with its fees) and `people` (the names the applicants are drawn
from). The builders: `build.build_catalogue` and `build.build_users`, and
`history.build_cases`, which `python manage.py load_demo` runs, each in its own transaction;
`generate` fills a province of the seed's size for the benchmarks (`generate_cases`).
"""
