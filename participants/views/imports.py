"""Bulk import pages: upload a CSV or XLSX file (the templates are downloaded here), the list of jobs, and a
job's page whose progress bar polls while the Celery job runs, then shows every error or the rows imported."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from participants import selectors, services
from participants.forms import ImportForm
from participants.imports import TEMPLATES, template_csv
from participants.models import ImportJob
from participants.views._common import PAGE_SIZE, partner_organizations, url
from partnerships.permissions import Action
from partnerships.roles import CONVENER_ROLES
from partnerships.tenant_views import TenantView
from programs.forms import apply_service_errors


class ImportListView(TenantView):
    """GET: the upload form and the jobs (``?template=<kind>`` downloads that kind's CSV template). POST: queue
    an import and open its page."""

    permissions = {"GET": Action.PARTICIPANT_MANAGE, "POST": Action.PARTICIPANT_MANAGE}
    tenant_model = ImportJob

    def _form(self, *args: object) -> ImportForm:
        organizations = partner_organizations(self.convener) if self.membership.role in CONVENER_ROLES else None
        return ImportForm(*args, organizations=organizations)  # type: ignore[arg-type]

    def _render(self, form: ImportForm, status: int = 200) -> HttpResponse:
        jobs = Paginator(selectors.import_job_list(convener=self.convener, membership=self.membership)
                         .defer("payload").select_related("created_by", "organization"), PAGE_SIZE)
        return render(self.request, "participants/import_list.html", self.get_context_data(
            form=form, jobs=jobs.get_page(self.request.GET.get("page")),
            templates=[(kind, label, TEMPLATES[kind]) for kind, label in ImportJob.Kind.choices]), status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        kind = request.GET.get("template")
        if kind:
            if kind not in TEMPLATES:
                raise Http404("No such template")
            response = HttpResponse(template_csv(kind), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
            return response
        return self._render(self._form())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                job = services.import_start(
                    convener=self.convener, actor=request.user, membership=self.membership,  # type: ignore[arg-type]
                    kind=form.cleaned_data["kind"], filename=upload.name or "",
                    payload=upload.read(services.IMPORT_MAX_BYTES + 1),
                    organization=form.cleaned_data.get("organization"))
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Queued {job.filename}. Every row is checked before anything is written.")
                return redirect(url("import-detail", self.convener.slug, importjob_id=job.pk))
        return self._render(form, 400)


class ImportDetailView(TenantView):
    """One job: a progress bar (htmx polls this page's fragment every second while the job is queued or running),
    then the rows imported, or every error by row and column with the reminder that nothing was imported."""

    permissions = {"GET": Action.PARTICIPANT_MANAGE}
    tenant_model = ImportJob

    def get(self, request: HttpRequest, importjob_id: int) -> HttpResponse:
        job = (selectors.import_job_list(convener=self.convener, membership=self.membership).defer("payload")
               .select_related("created_by", "organization").filter(pk=importjob_id).first())
        if job is None:
            raise Http404("No such import")
        context = self.get_context_data(job=job, running=job.status in (ImportJob.Status.QUEUED,
                                                                         ImportJob.Status.RUNNING))
        if getattr(request, "htmx", False):
            return render(request, "participants/_import_progress.html", context)
        return render(request, "participants/import_detail.html", context)
