# Onestop production image: gunicorn by default; the worker and beat reuse it (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    ONESTOP_VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/app/media

WORKDIR /app

# DejaVu Serif: the PDF forms and results need a font with Vietnamese glyphs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core fonts-dejavu-extra \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first (cached until pyproject.toml or the lock changes): the runtime
# dependencies of pyproject.toml, at the exact versions of requirements.lock.
COPY pyproject.toml requirements.lock ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt -c requirements.lock \
    && rm /tmp/requirements.txt

COPY . .

RUN python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 onestop \
    && mkdir -p /app/var /app/media \
    && chown -R onestop:onestop /app/var /app/media

USER onestop
EXPOSE 8000

CMD ["gunicorn", "onestop.wsgi:application", "-w", "2", "-b", "0.0.0.0:8000", "--access-logfile", "-"]
