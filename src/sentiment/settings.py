"""Every setting the pipeline reads from outside its arguments, resolved in one place.

Resolution order for each value: the explicit argument (a CLI option) → the environment
(`SENTIMENT_*`) → a Prefect Secret block (only when a Prefect API is configured) → the
default. `Settings.resolve()` runs that chain once; stages receive the resulting values and
never read the environment or import prefect themselves.

Secrets stay out of anything Prefect stores: `Settings.db` is the database URL *as the user
wrote it* and is the only form that may travel as a flow parameter, and only when it holds no
password (`flow_db_parameter`). The resolved URL (`db_url`) and the key (`pseudonym_key`) are
computed on the machine that uses them.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from sentiment.errors import MissingKeyError, SentimentError

# The environment variables, all of them.
DB_URL_ENV = "SENTIMENT_DB_URL"
PSEUDONYM_KEY_ENV = "SENTIMENT_PSEUDONYM_KEY"
SCHEMAS_DIR_ENV = "SENTIMENT_SCHEMAS_DIR"
SCORE_BATCH_ENV = "SENTIMENT_SCORE_BATCH"
DASK_ADDRESS_ENV = "SENTIMENT_DASK_ADDRESS"
NLP_WORKERS_ENV = "SENTIMENT_NLP_WORKERS"
CACHE_DIR_ENV = "SENTIMENT_CACHE_DIR"
SLANG_EXTRA_ENV = "SENTIMENT_SLANG_EXTRA"
KOBO_TOKEN_ENV = "SENTIMENT_KOBO_TOKEN"
ODK_USERNAME_ENV = "SENTIMENT_ODK_USERNAME"
ODK_USER_ENV = "SENTIMENT_ODK_USER"  # accepted as well: the name the issue asked for
ODK_PASSWORD_ENV = "SENTIMENT_ODK_PASSWORD"
ENV_VARS = (DB_URL_ENV, PSEUDONYM_KEY_ENV, SCHEMAS_DIR_ENV, SCORE_BATCH_ENV, DASK_ADDRESS_ENV,
            NLP_WORKERS_ENV, CACHE_DIR_ENV, SLANG_EXTRA_ENV, KOBO_TOKEN_ENV, ODK_USERNAME_ENV,
            ODK_USER_ENV, ODK_PASSWORD_ENV)

# The Prefect Secret blocks, all of them.
DB_URL_BLOCK = "sentiment-db-url"
PSEUDONYM_KEY_BLOCK = "sentiment-pseudonym-key"
KOBO_TOKEN_BLOCK = "sentiment-kobo-token"
ODK_USERNAME_BLOCK = "sentiment-odk-username"
ODK_PASSWORD_BLOCK = "sentiment-odk-password"

DEFAULT_DB_URL = "sqlite:///warehouse.db"
DEFAULT_SCORE_BATCH = 20_000
# The default text scorer, chosen by the blind set (docs/nlp.md): the shipped model, which
# also returns the lexicon's reasons beside its label. `--scorer lexicon` gives the rules alone.
DEFAULT_SCORER = "model"
MIN_KEY_BYTES = 16
_PACKAGE_DIR = Path(__file__).resolve().parent

# `--schemas DIR` of the running command (a process-wide choice, like the working directory).
_active_schemas: dict[str, Path | None] = {"dir": None}


def quiet_telemetry() -> None:
    """Turn off Prefect and GX analytics before either library is imported."""
    for name, value in (("PREFECT_SERVER_ANALYTICS_ENABLED", "false"), ("DO_NOT_TRACK", "1"),
                        ("GX_ANALYTICS_ENABLED", "false")):
        os.environ.setdefault(name, value)


def use_schemas(path: str | Path | None) -> None:
    """Make `path` the programme folder of this process (the CLI's `--schemas`)."""
    _active_schemas["dir"] = Path(path) if path else None


def schemas_dir() -> Path:
    """The programme folder: `--schemas`, `$SENTIMENT_SCHEMAS_DIR`, the checkout's `schemas/`,
    or the copy inside the wheel."""
    chosen = _active_schemas["dir"] or (Path(v) if (v := os.environ.get(SCHEMAS_DIR_ENV)) else None)
    if chosen is not None:
        if not chosen.is_dir():
            raise SentimentError(f"{chosen}: no such programme folder (see `sentiment init`)")
        # Absolute, so paths built from it are not re-joined to it (`load_yaml` treats a
        # relative path as relative to the programme folder).
        return chosen.absolute()
    for candidate in (_PACKAGE_DIR.parents[1] / "schemas", _PACKAGE_DIR / "_schemas"):
        if candidate.is_dir():
            return candidate
    raise SentimentError(f"no programme folder found; pass --schemas DIR or set {SCHEMAS_DIR_ENV}")


def prefect_api_configured() -> bool:
    """True when flows report to a real Prefect API (environment or the active profile).

    Read without importing prefect (which costs ~1 s): `PREFECT_API_URL` in the environment,
    else the active profile of `$PREFECT_HOME/profiles.toml`.
    """
    if os.environ.get("PREFECT_API_URL"):
        return True
    if "prefect.settings" in sys.modules:  # already paid for: ask prefect (honours its contexts)
        from prefect.settings import get_current_settings

        return bool(get_current_settings().api.url)
    home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect")
    try:
        profiles = tomllib.loads((home / "profiles.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return False
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active", "ephemeral")
    return bool(profiles.get("profiles", {}).get(active, {}).get("PREFECT_API_URL"))


def secret_block_value(name: str) -> str | None:
    """The value of a Prefect Secret block, or None when no API is configured (an ephemeral
    server holds no blocks, and starting one costs ~15 s) or the block is missing."""
    if not prefect_api_configured():
        return None
    try:
        from prefect.blocks.system import Secret

        value = Secret.load(name, _sync=True).get()  # type: ignore[call-arg]
    except Exception:  # noqa: BLE001 - missing block or unreachable server: not set there
        return None
    return value if isinstance(value, str) and value else None


def mask_url(url: str) -> str:
    """A database URL safe to print: the password replaced by ***."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - not a URL we can parse: print nothing of it
        return "<database URL>"


def url_has_password(url: str | None) -> bool:
    if not url:
        return False
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).password is not None
    except Exception:  # noqa: BLE001 - unparseable: treat as secret
        return True


def resolve_db_url(explicit: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """An explicit URL, else `$SENTIMENT_DB_URL`, else Secret block `sentiment-db-url`, else
    the local SQLite file."""
    env = os.environ if env is None else env
    return explicit or env.get(DB_URL_ENV) or secret_block_value(DB_URL_BLOCK) or DEFAULT_DB_URL


def validate_key(key: bytes, source: str = "key") -> bytes:
    """Refuse keys too short to resist guessing."""
    if len(key) < MIN_KEY_BYTES:
        raise MissingKeyError(
            f"{source} is too short ({len(key)} bytes); use at least {MIN_KEY_BYTES} "
            f"random characters (set {PSEUDONYM_KEY_ENV})"
        )
    return key


def load_key(env: Mapping[str, str] | None = None) -> bytes:
    """The pseudonymisation key: `$SENTIMENT_PSEUDONYM_KEY`, else the Prefect Secret block.

    Raises MissingKeyError when neither is available or the key is shorter than 16 bytes.
    """
    env = os.environ if env is None else env
    raw, source = env.get(PSEUDONYM_KEY_ENV), f"${PSEUDONYM_KEY_ENV}"
    if not raw:
        raw, source = secret_block_value(PSEUDONYM_KEY_BLOCK), f"Prefect Secret block {PSEUDONYM_KEY_BLOCK!r}"
    if not raw:
        raise MissingKeyError(
            f"no pseudonymisation key: set {PSEUDONYM_KEY_ENV} (at least {MIN_KEY_BYTES} "
            f'random characters, e.g. `python -c "import secrets; print(secrets.token_hex(32))"`) '
            f"or create the Prefect Secret block {PSEUDONYM_KEY_BLOCK!r}"
        )
    return validate_key(raw.strip().encode("utf-8"), source)


def mask_secrets(text: str, *secrets: str | None) -> str:
    """`text` with every occurrence of each secret replaced by ***: for error messages that
    may echo a request (a server's reply, an exception from an HTTP library)."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def resolve_secret(env: Mapping[str, str], names: tuple[str, ...], block: str) -> str | None:
    """The first of the environment variables `names` that is set, else the Secret block."""
    for name in names:
        if value := (env.get(name) or "").strip():
            return value
    return secret_block_value(block)


def _int_env(env: Mapping[str, str], name: str) -> int | None:
    raw = env.get(name)
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise SentimentError(f"{name}={raw!r}: expected a whole number") from None
    if value < 1:
        raise SentimentError(f"{name}={raw!r}: expected a positive number")
    return value


def resolve_scorer(scorer: str | None, model_dir: str | Path | None) -> tuple[str, Path | None]:
    """The text scorer and model folder from `--scorer` and `--model`: a model folder implies
    the model scorer; asking for another scorer beside it is a one-line error."""
    if model_dir and scorer not in (None, "model"):
        raise SentimentError(f"--model {model_dir} needs the model scorer, not --scorer {scorer}")
    return scorer or ("model" if model_dir else DEFAULT_SCORER), Path(model_dir) if model_dir else None


@dataclass(frozen=True)
class Settings:
    """One command's or one flow run's settings, resolved once.

    `db` is the URL as given (None: environment, Secret block or default decide);
    `db_url` and `pseudonym_key` are resolved on first use and never leave the process.
    """

    db: str | None = None
    schemas: Path | None = None
    scorer: str = DEFAULT_SCORER
    model_dir: Path | None = None
    score_batch: int = DEFAULT_SCORE_BATCH
    dask_address: str | None = None
    nlp_workers: int | None = None
    max_file_bytes: int | None = None
    key_override: bytes | None = field(default=None, repr=False)
    env: Mapping[str, str] = field(default_factory=lambda: os.environ, repr=False, compare=False)

    @classmethod
    def resolve(cls, db: str | None = None, schemas: str | Path | None = None, *,
                scorer: str | None = None, model_dir: str | Path | None = None,
                score_batch: int | None = None, dask_address: str | None = None,
                max_file_mb: int | None = None, key: bytes | None = None,
                env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        if schemas:
            use_schemas(schemas)
        if max_file_mb is not None and max_file_mb < 1:
            raise SentimentError(f"--max-file-mb {max_file_mb}: expected a positive number")
        # without the option the programme's max_file_mb applies (sentiment.flows.steps.read)
        file_mb = max_file_mb
        scorer, model_path = resolve_scorer(scorer, model_dir)
        return cls(
            db=db,
            schemas=Path(schemas) if schemas else None,
            scorer=scorer,
            model_dir=model_path,
            score_batch=score_batch or _int_env(env, SCORE_BATCH_ENV) or DEFAULT_SCORE_BATCH,
            dask_address=dask_address or env.get(DASK_ADDRESS_ENV) or None,
            nlp_workers=_int_env(env, NLP_WORKERS_ENV),
            max_file_bytes=file_mb * 1024 * 1024 if file_mb else None,
            key_override=validate_key(key, "the given key") if key else None,
            env=env,
        )

    @cached_property
    def db_url(self) -> str:
        return resolve_db_url(self.db, self.env)

    @cached_property
    def pseudonym_key(self) -> bytes:
        return self.key_override or load_key(self.env)

    @cached_property
    def kobo_token(self) -> str:
        """The KoboToolbox API token: `$SENTIMENT_KOBO_TOKEN`, else the Secret block."""
        token = resolve_secret(self.env, (KOBO_TOKEN_ENV,), KOBO_TOKEN_BLOCK)
        if not token:
            raise SentimentError(f"kobo: no API token: set {KOBO_TOKEN_ENV} (Kobo: Account "
                                 f"settings → Security → API key) or create the Prefect Secret "
                                 f"block {KOBO_TOKEN_BLOCK!r}")
        return token

    @cached_property
    def odk_credentials(self) -> tuple[str, str]:
        """ODK Central (e-mail, password): `$SENTIMENT_ODK_USERNAME` (or `$SENTIMENT_ODK_USER`)
        and `$SENTIMENT_ODK_PASSWORD`, else the Secret blocks."""
        user = resolve_secret(self.env, (ODK_USERNAME_ENV, ODK_USER_ENV), ODK_USERNAME_BLOCK)
        password = resolve_secret(self.env, (ODK_PASSWORD_ENV,), ODK_PASSWORD_BLOCK)
        if not user or not password:
            raise SentimentError(f"odk: no credentials: set {ODK_USERNAME_ENV} and "
                                 f"{ODK_PASSWORD_ENV} (or the Prefect Secret blocks "
                                 f"{ODK_USERNAME_BLOCK!r}, {ODK_PASSWORD_BLOCK!r})")
        return user, password

    @property
    def db_display(self) -> str:
        return mask_url(self.db_url)

    @property
    def flow_db_parameter(self) -> str | None:
        """What a flow may be given as its `db` parameter: the URL as written when it holds
        no password, else None (the flow's process resolves it from its environment)."""
        return None if url_has_password(self.db) else self.db

    def __getstate__(self) -> dict[str, object]:
        """Pickled for worker processes (Dask) without the key, the resolved URL or the
        environment: a worker resolves them itself if it needs them."""
        state = dict(self.__dict__)
        for secret in ("env", "key_override", "db_url", "pseudonym_key", "kobo_token",
                       "odk_credentials"):
            state.pop(secret, None)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        object.__setattr__(self, "key_override", None)
        object.__setattr__(self, "env", os.environ)

    def schemas_path(self) -> Path:
        return self.schemas or schemas_dir()


def stem_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where the stem cache lives: `$SENTIMENT_CACHE_DIR`, `$XDG_CACHE_HOME`, or ~/.cache."""
    env = os.environ if env is None else env
    if base := env.get(CACHE_DIR_ENV):
        return Path(base)
    xdg = env.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "kali-pasir-pulse"


def slang_extra_path(env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    return env.get(SLANG_EXTRA_ENV) or None
