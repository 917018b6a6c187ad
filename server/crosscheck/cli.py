"""The `crosscheck` command: the same jobs as the server, from a terminal."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # the stages load on use, so `crosscheck --help` starts fast
    from .store import Store
    from .types import Article, Page, Sentence

WRITE_BATCH = 64  # imported articles written per transaction
HTML_SUFFIXES = (".html", ".htm")


class FileProblem(click.ClickException):
    """A file or store named on the command line that cannot be used: one line on stderr,
    exit status 2 (as for a usage error), and nothing created."""

    exit_code = 2


def resolve_db(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    """--db, else CROSSCHECK_DB, else the user's store (made on first use). A store named by
    --db or CROSSCHECK_DB must be in a folder that exists: a typo must not create a new store
    somewhere."""
    from .location import default_store, is_url

    if value is not None:
        if not is_url(value) and not Path(value).parent.is_dir():
            raise FileProblem(f"--db {value}: the folder {Path(value).parent} does not exist")
        return value
    path, note = default_store()
    if note:
        click.echo(note, err=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return str(path)


db_option = click.option(
    "--db", "db_path", envvar="CROSSCHECK_DB", callback=resolve_db,
    show_default="your data folder, e.g. ~/.local/share/crosscheck/crosscheck.db",
    type=click.Path(dir_okay=False),
    help="The store: a SQLite file, or a PostgreSQL database shared with others as "
         "postgresql://USER@HOST/DBNAME (also read from CROSSCHECK_DB); a file's folder "
         "must exist.",
)
seeds_option = click.option(
    "--no-seeds", is_flag=True, help="Do not load the seed corpus into a new store.",
)


def plural(n: int, word: str, words: str | None = None) -> str:
    """`1 claim`, `2 claims`, `0 claims`."""
    return f"{n} {word if n == 1 else words or word + 's'}"


def open_store(db_path: str, no_seeds: bool) -> Store:
    from . import pipeline
    from .store import Store

    store = Store(db_path)
    pipeline.ensure_profiles(store)
    if not no_seeds:
        loaded = pipeline.ensure_seeded(store)
        if loaded:
            click.echo(f"New store {store.path}: loaded the seed corpus, "
                       f"{plural(loaded, 'article')} on one story.", err=True)
    placed = pipeline.ensure_stories(store)
    if placed:
        click.echo(f"Placed {plural(placed, 'article')} stored before stories existed in "
                   "their stories.", err=True)
    return store


def read_page(file: str, **meta: Any) -> Page:
    """A .html/.htm file is HTML, anything else (or - for stdin) plain text; a .gz file is
    decompressed first and read by the name under it (page.html.gz is HTML)."""
    import gzip

    from .extract import decode_html
    from .types import Page

    raw = read_file(file)
    name = file.lower()
    if name.endswith(".gz"):
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise FileProblem(f"{file}: not a readable gzip file ({exc})") from None
        name = name.removesuffix(".gz")
    if name.endswith(HTML_SUFFIXES):
        return Page(html=decode_html(raw), **meta)
    return Page(text=decode(raw), **meta)


def read_file(file: str) -> bytes:
    """The bytes of FILE (- for stdin); FileProblem when it is missing, unreadable or empty."""
    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise unreadable(file, exc) from None
    if not raw.strip():
        raise FileProblem(f"{file}: the file is empty")
    return raw


def unreadable(file: str | Path, exc: OSError) -> FileProblem:
    if isinstance(exc, FileNotFoundError):
        return FileProblem(f"{file}: no such file")
    if isinstance(exc, IsADirectoryError):
        return FileProblem(f"{file}: a folder, not a file")
    return FileProblem(f"{file}: cannot be read ({exc.strerror or exc})")


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes
        best = from_bytes(raw).best()
        return str(best) if best is not None else raw.decode("latin-1")


@click.group()
@click.version_option(package_name="crosscheck")
def cli() -> None:
    """Crosscheck: who else reports each claim of a page, and who reports it differently."""


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. The default keeps the server on this machine only.")
@click.option("--allow-remote", is_flag=True,
              help="Confirm binding --host to an address other machines can reach.")
@click.option("--port", default=8765, show_default=True, type=int, envvar="CROSSCHECK_PORT",
              help="Port to listen on (also CROSSCHECK_PORT); the extension's Settings hold "
                   "the same address.")
@click.option("--token", envvar="CROSSCHECK_TOKEN",
              help="Use this token instead of the one kept beside the store (prefer "
                   "CROSSCHECK_TOKEN, which `ps` does not show).")
@click.option("--no-token", is_flag=True,
              help="Answer requests without a token, as before pairing existed: then any "
                   "program on this machine can read and change the store.")
@click.option("--extension-origin", "extension_origins", multiple=True,
              envvar="CROSSCHECK_EXTENSION_ORIGIN",
              help="Answer only this extension, e.g. chrome-extension://<id> (repeatable; "
                   "also CROSSCHECK_EXTENSION_ORIGIN). Default: any browser extension.")
@db_option
@seeds_option
def serve(host: str, allow_remote: bool, port: int, token: str | None, no_token: bool,
          extension_origins: tuple[str, ...], db_path: str, no_seeds: bool) -> None:
    """Start the local server the browser extension talks to."""
    import uvicorn

    from .app import create_app
    from .limits import server_options
    from .security import Policy, pairing_link

    check_host(host, allow_remote, no_token)
    check_port(host, port)
    token = None if no_token else (token or serving_token(db_path))
    policy = Policy(port=port, bound_host=host, extension_origins=extension_origins,
                    token=token)
    app = create_app(db_path, seeds=not no_seeds, policy=policy)
    click.echo(f"Crosscheck on http://{host}:{port} (store: {app.state.store.path})", err=True)
    if token is None:
        click.secho("WARNING: --no-token: every program on this machine, and any browser "
                    "extension, can read and change your store", fg="yellow", err=True)
    else:
        click.echo("Pair the extension once: paste this link in its Settings\n  "
                   + pairing_link(host, port, token), err=True)
    home = pairing_link(host, port, token) if token else f"http://{bracketed(host)}:{port}/"
    started(app.state, home)
    # connection limits (limits.py); a stop waits at most 5 s for requests
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=5,
                **server_options())


def serving_token(db_path: str) -> str:
    """The store's token, made on first start; for this run only if it cannot be kept."""
    from .security import owner_token, token_file

    try:
        return owner_token(token_file(db_path))
    except OSError as exc:
        from secrets import token_urlsafe

        click.secho(f"WARNING: cannot keep the token in {token_file(db_path)} ({exc.strerror}):"
                    " it changes at every start", fg="yellow", err=True)
        return token_urlsafe(32)


def check_port(host: str, port: int) -> None:
    """Refuse a taken port before starting, saying what probably holds it."""
    import errno
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise click.ClickException(
                    f"cannot listen on {host}:{port}: {exc.strerror}") from None
            raise click.ClickException(
                f"port {port} on {host} is already in use: is Crosscheck already running? "
                f"Open http://{bracketed(host)}:{port}/ to see, or start another server with "
                f"--port {port + 1}.") from None


def bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def started(state: Any, url: str) -> None:
    """What the store holds (and what was just loaded into it), and what to do next."""
    from .location import extension_folder

    stats = state.store.stats()
    if state.seeded:
        click.echo(f"New store: loaded the seed corpus, {plural(state.seeded, 'article')} on one "
                   "story (Russia and North Korea, 2023-2024).", err=True)
    click.echo(f"It holds {plural(stats['articles'], 'article')} "
               f"({plural(stats['passages'], 'passage')}).", err=True)
    folder = extension_folder()
    where = str(folder) if folder else "the extension/ folder of the Crosscheck source"
    click.echo(f"Next: load the browser extension from {where} (steps on {url}), then click its "
               "toolbar button on a news page. Ctrl+C stops the server.", err=True)


def check_host(host: str, allow_remote: bool, no_token: bool) -> None:
    """Refuse a non-loopback address unless confirmed, and warn when it is."""
    from .security import is_loopback, is_wildcard

    if is_wildcard(host):
        raise click.UsageError(f"--host {host}: bind the one address others will use; the "
                               "server answers only to requests addressed to it.")
    if is_loopback(host):
        return
    if not allow_remote:
        raise click.UsageError(f"--host {host} lets other machines reach your store; "
                               "add --allow-remote to confirm.")
    click.secho(f"WARNING: serving on {host}, reachable from other machines"
                + (", with --no-token: anyone who can reach it can use it" if no_token else
                   "; the token travels unencrypted (plain HTTP)"),
                fg="yellow", err=True)


@cli.command()
@click.option("--link", is_flag=True, help="Print the pairing link for the extension's Settings.")
@click.option("--port", default=8765, show_default=True, type=int,
              help="The server's port, for --link.")
@db_option
def token(link: bool, port: int, db_path: str) -> None:
    """Print the store's access token (made if there is none yet), e.g. for curl's
    -H "Authorization: Bearer $(crosscheck token)"."""
    from .security import pairing_link

    secret = serving_token(db_path)
    click.echo(pairing_link("127.0.0.1", port, secret) if link else secret)


@cli.command()
@click.argument("file")
@click.option("--url", help="The page's URL.")
@click.option("--title", help="The page's title.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON the API answers.")
@db_option
@seeds_option
def analyze(file: str, url: str | None, title: str | None, as_json: bool, db_path: str,
            no_seeds: bool) -> None:
    """Check each claim of FILE against the store.

    FILE is read as HTML when it ends in .html, .htm, .html.gz or .htm.gz, else as plain text
    (a .gz file is decompressed); - reads standard input."""
    from . import pipeline
    from .extract import ExtractError

    page = read_page(file, url=url, title=title)
    store = open_store(db_path, no_seeds)
    try:
        result = pipeline.analysis_json(pipeline.analyze(store, page))
    except ExtractError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        click.echo(report(result))


def report(result: dict[str, Any]) -> str:
    s = result["summary"]
    lines = [
        result["article"].get("title") or "(untitled)",
        f"{plural(s['claims'], 'claim')}, {s['corroborated']} corroborated, "
        f"{s['conflicted']} in conflict, {plural(s['sources'], 'independent source')}",
        "",
    ]
    order = {"conflicts": 0, "corroborates": 1, "related": 2}
    claims = sorted(result["claims"], key=lambda c: min(
        (order[m["relation"]] for m in c["matches"]), default=3))
    for claim in claims:
        if not claim["matches"]:
            continue
        lines.append(f"* {claim['text']}")
        for m in claim["matches"]:
            p = m["passage"]
            source = ", ".join(x for x in (p["outlet"] or p["title"], p["published"]) if x)
            source = source or f"article {p['article_id']}"
            sure = "" if m.get("confidence") is None else f" {m['confidence']:.0%}"
            lines.append(f"    [{m['relation']}{sure}] {source}")
            if m.get("reason"):
                lines.append(f"      {m['reason']}")
            for d in m["differences"]:
                lines.append(f"      {d['kind']}: \"{d['claim']}\" here, \"{d['passage']}\" there")
            lines.append(f"      \"{p['text']}\"")
        lines.append("")
    return "\n".join(lines)


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--url", help="The page's URL (for every FILE given).")
@click.option("--title", help="The page's title, if the page does not say.")
@click.option("--outlet", help="Who published it, e.g. 'Kyiv Post'.")
@click.option("--published", help="Publication date, e.g. 2024-06-20.")
@db_option
@seeds_option
def add(files: tuple[str, ...], url: str | None, title: str | None, outlet: str | None,
        published: str | None, db_path: str, no_seeds: bool) -> None:
    """Add FILES to the store as sources.

    .html, .htm and their .gz are read as HTML, anything else as plain text."""
    from . import pipeline
    from .extract import ExtractError

    pages = [read_page(file, url=url, title=title, outlet=outlet, published=published)
             for file in files]
    store = open_store(db_path, no_seeds)
    for file, page in zip(files, pages, strict=True):
        try:
            added = pipeline.add(store, page)
        except ExtractError as exc:
            click.echo(f"{file}: skipped ({exc})", err=True)
            continue
        state = "already stored" if added.duplicate else "added"
        click.echo(f"{file}: {state} as article {added.id} ({plural(added.passages, 'passage')})")


PAGE_FILES = (".html", ".htm", ".txt")


def import_items(path: Path) -> list[Page]:
    """The pages of a folder, or of a JSON-lines file; FileProblem when there are none to read."""
    if path.is_dir():
        files = [f for f in sorted(path.rglob("*")) if f.suffix.lower() in PAGE_FILES]
        if not files:
            raise FileProblem(f"{path}: no .html, .htm or .txt files in this folder")
        return [folder_page(str(file)) for file in files]
    return list(json_lines(path))


def folder_page(file: str) -> Page:
    """One page of a folder import; an empty or unreadable file is a page without text."""
    from .types import Page

    try:
        return read_page(file)
    except FileProblem as exc:
        click.echo(f"{exc.message}, skipped", err=True)
        return Page(text="")


def json_lines(path: Path) -> Iterator[Page]:
    from .types import Page

    try:
        lines = path.open("rb")
    except OSError as exc:
        raise unreadable(path, exc) from None
    blank = True
    with lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            blank = False
            try:
                item = json.loads(line)
                yield Page(**{k: item.get(k) for k in (
                    "html", "text", "url", "title", "outlet", "published", "author")})
            except (ValueError, TypeError, AttributeError):
                click.echo(f"line {number}: not a JSON article, skipped", err=True)
    if blank:
        raise FileProblem(f"{path}: the file is empty")


def prepare(page: Page) -> tuple[Article, list[Sentence]] | None:
    """A page's article and passages (runs in a worker process), or None without text."""
    from .claims import passages
    from .embed import with_vectors
    from .extract import ExtractError, extract
    from .profile import for_storage

    try:
        article = extract(page)
    except ExtractError:
        return None
    return article, with_vectors(for_storage(passages(article.text)))


def write(store: Store, batch: list[tuple[Article, list[Sentence]]]) -> int:
    """Store a batch of articles in one transaction (their stories come after: `import_`);
    how many were already stored."""
    from . import pipeline

    return sum(duplicate for _, _, duplicate in pipeline.add_many(store, batch, later=True))


@cli.command(name="import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--workers", default=os.cpu_count() or 1, show_default=True,
              help="Processes extracting pages in parallel.")
@db_option
@seeds_option
def import_(path: Path, workers: int, db_path: str, no_seeds: bool) -> None:
    """Import a folder of pages or a JSON-lines file of articles.

    PATH is a folder of .html/.htm/.txt files (subfolders included), or a JSON-lines file with
    one article per line, an object with the fields "url", "title", "outlet", "published",
    "author", and "html" or "text"; only "html" or "text" is required."""
    from concurrent.futures import ProcessPoolExecutor

    from . import pipeline

    if not path.exists():
        raise FileProblem(f"{path}: no such file or folder")
    pages = import_items(path)
    store = open_store(db_path, no_seeds)
    batch: list[tuple[Article, list[Sentence]]] = []
    duplicates = skipped = 0
    with ProcessPoolExecutor(max_workers=max(1, workers)) as pool, click.progressbar(
        pool.map(prepare, pages, chunksize=16), length=len(pages),
        label="Importing", file=sys.stderr,
    ) as bar:
        for prepared in bar:
            if prepared is None:
                skipped += 1
                continue
            batch.append(prepared)
            if len(batch) == WRITE_BATCH:
                duplicates += write(store, batch)
                batch = []
    duplicates += write(store, batch)
    store.optimize()
    pipeline.place_later(store, workers=max(1, workers))  # each new article joins its story
    added = len(pages) - skipped - duplicates
    click.echo(f"{added} added, {duplicates} already stored, {skipped} without text")


@cli.command(name="extract")
@click.argument("files", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def extract_cmd(files: tuple[str, ...], as_json: bool) -> None:
    """Print the main content the server would extract from FILES.

    .html, .htm and their .gz are read as HTML, anything else as plain text."""
    from .extract import ExtractError, extract

    pages = [read_page(file) for file in files]
    for file, page in zip(files, pages, strict=True):
        try:
            article = extract(page)
        except ExtractError as exc:
            if as_json:
                click.echo(json.dumps({"file": file, "title": None, "text": "", "error": str(exc)}))
            else:
                click.echo(f"{file}: {exc}", err=True)
            continue
        if as_json:
            record = {"file": file, "title": article.title, "text": article.text,
                      "url": article.url, "outlet": article.outlet,
                      "published": article.published, "author": article.author}
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            meta = [f"{k}: {v}" for k, v in (("title", article.title), ("outlet", article.outlet),
                    ("published", article.published), ("author", article.author),
                    ("url", article.url)) if v]
            click.echo("\n".join([f"== {file}", *meta, "", article.text, ""]))


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="The JSON GET /api/articles answers.")
@db_option
@seeds_option
def articles(as_json: bool, db_path: str, no_seeds: bool) -> None:
    """List the stored articles."""
    from .names import outlet_name

    rows = open_store(db_path, no_seeds).articles()
    if as_json:
        click.echo(json.dumps({"articles": rows}, ensure_ascii=False, indent=2))
        return
    for row in rows:
        source = outlet_name(row["outlet"], row["url"]) or ""
        click.echo(f"{row['id']:>5}  {row['published'] or '':<10}  {source[:24]:<24}  "
                   f"{plural(row['passages'], 'passage'):>13}  {row['title'] or ''}")


@cli.command(name="stories")
@click.option("--json", "as_json", is_flag=True, help="The JSON GET /api/stories answers.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 500),
              help="How many stories to list, newest first.")
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0),
              help="How many of the newest to skip (the next page).")
@click.option("--min-articles", default=2, show_default=True, type=click.IntRange(1),
              help="List only stories of at least this many articles (1: every story).")
@db_option
@seeds_option
def stories_cmd(as_json: bool, limit: int, offset: int, min_articles: int, db_path: str,
                no_seeds: bool) -> None:
    """List the stories in the store: the articles that report one event, newest first."""
    from . import stories

    found = stories.listing(open_store(db_path, no_seeds), limit, offset, min_articles)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    for story in found["stories"]:
        when = " - ".join(dict.fromkeys(d for d in (story["first"], story["last"]) if d))
        outlets = ", ".join(f"{o['name']}" + (f" ({o['articles']})" if o["articles"] > 1 else "")
                            for o in story["outlets"])
        click.echo(f"{story['id']:>5}  {plural(story['articles'], 'article'):>11}  {when:<23}  "
                   f"{story['title'] or ''}\n       {outlets}")
    shown = len(found["stories"])
    skipped = f", after the newest {offset}" if offset else ""
    click.echo(f"{shown} of {plural(found['total'], 'story', 'stories')} of at least "
               f"{plural(min_articles, 'article')}{skipped}")


@cli.command(name="story")
@click.argument("story_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="The JSON GET /api/stories/ID answers.")
@db_option
@seeds_option
def story_cmd(story_id: int, as_json: bool, db_path: str, no_seeds: bool) -> None:
    """One story: its articles, and the claims of one that others corroborate or contradict."""
    from . import pipeline

    found = pipeline.story_detail(open_store(db_path, no_seeds), story_id)
    if found is None:
        raise click.ClickException(f"no story {story_id}")
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    click.echo(story_report(found))


def story_report(found: dict[str, Any]) -> str:
    names = {a["id"]: a["outlet"] or a["title"] or f"article {a['id']}" for a in found["articles"]}
    lines = [f"Story {found['id']}: {plural(len(found['articles']), 'article')} from "
             f"{plural(found['outlets'], 'outlet')}, "
             + " - ".join(dict.fromkeys(d for d in (found["first"], found["last"]) if d)), ""]
    for a in found["articles"]:
        lines.append(f"{a['id']:>5}  {a['published'] or '':<10}  {(a['outlet'] or '')[:24]:<24}  "
                     f"{a['title'] or ''}")
    lines.append("")
    for claim in found["claims"]:
        lines.append(f"* {names[claim['article_id']]}: {claim['text']}")
        for relation, ids in (("corroborated by", claim["corroborated_by"]),
                              ("contradicted by", claim["contradicted_by"])):
            if ids:
                lines.append(f"    {relation} {', '.join(names[i] for i in ids)}")
    if not found["claims"]:
        lines.append("No claim of one article is corroborated or contradicted by another.")
    return "\n".join(lines)


@cli.command()
@click.argument("article_id", type=int)
@db_option
def remove(article_id: int, db_path: str) -> None:
    """Remove an article and its passages."""
    from .location import is_url
    from .store import Store

    if not is_url(db_path) and not Path(db_path).is_file():
        raise FileProblem(f"no store at {db_path}")
    if not Store(db_path).delete(article_id):
        raise click.ClickException(f"no article {article_id}")
    click.echo(f"removed article {article_id}")


@cli.command()
@db_option
@seeds_option
def stats(db_path: str, no_seeds: bool) -> None:
    """Where the store is and how much it holds."""
    store = open_store(db_path, no_seeds)
    click.echo(f"store: {store.path}")
    for key, value in store.stats().items():
        click.echo(f"{key}: {value}")


def main() -> None:
    try:
        cli()
    except Exception as exc:
        # a damaged, full or read-only store: one line, no traceback. A StoreError comes from
        # the store module, so it is loaded by then (`--help` never loads it)
        store = sys.modules.get("crosscheck.store")
        if store is None or not isinstance(exc, store.StoreError):
            raise
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(1)
