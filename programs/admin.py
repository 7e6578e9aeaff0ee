"""Operator support views of programs and cohorts: scoped to the operator's conveners and audited like the rest
of the admin (partnerships.admin.TenantScopedAdmin). Rosters and attendance are not exposed here: they hold
people, and the participants issue decides who reads them."""

from django.contrib import admin

from partnerships.admin import TenantScopedAdmin
from programs.models import Cohort, FundingStream, Program


@admin.register(FundingStream)
class FundingStreamAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order"]


@admin.register(Program)
class ProgramAdmin(TenantScopedAdmin):
    list_display = ["name", "program_type", "provider", "status", "convener"]
    list_filter = ["convener", "program_type", "status"]
    search_fields = ["name"]
    raw_id_fields = ["provider", "target_occupations"]
    filter_horizontal = ["other_providers", "funding_streams"]


@admin.register(Cohort)
class CohortAdmin(TenantScopedAdmin):
    list_display = ["name", "program", "partnership", "start_date", "end_date", "seats", "status", "convener"]
    list_filter = ["convener", "status"]
    search_fields = ["name", "program__name"]
    raw_id_fields = ["program", "partnership", "target_occupation", "demand_snapshot"]
    date_hierarchy = "start_date"
