# The production image: gunicorn serves the site, the same image runs the Celery worker.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VAR_DIR=/srv/thidua/var
WORKDIR /srv/thidua

COPY bin/ bin/
RUN bin/install-system-packages && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md ./
COPY config/ config/
COPY unions/ unions/
COPY movements/ movements/
COPY awards/ awards/
RUN pip install --no-cache-dir .

COPY . .
# These steps touch neither the database nor the broker, which do not exist at build time:
# EMBEDDED_SERVICES=1 lets the settings load without DATABASE_URL and REDIS_URL.
RUN SECRET_KEY=build-only EMBEDDED_SERVICES=1 python manage.py compilemessages --ignore=.venv -v 0 \
 && SECRET_KEY=build-only EMBEDDED_SERVICES=1 python manage.py collectstatic --noinput -v 0

RUN useradd --system --home /srv/thidua thidua && mkdir -p /srv/thidua/var && chown -R thidua /srv/thidua/var
USER thidua
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
