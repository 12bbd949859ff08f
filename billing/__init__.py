"""The utility's data model and how it is loaded.

Customer, Premise, ServicePoint, Account, RateCode, UsageValue (billing
periods) and IntervalRead (AMI), after the Opower legacy billing data model
(seed 002; docs/data-model.md). May import from `users`, `notifications` and
`portal`; never from apps above it.
"""
