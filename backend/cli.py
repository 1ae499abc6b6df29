"""sc-server: run the backend, migrate, create users, seed the demo city."""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import socket
import sys


def _settings(args):
    from backend.config import Settings

    kw = {}
    if getattr(args, "database_url", None):
        kw["database_url"] = args.database_url
    if getattr(args, "demo", False):
        kw["demo"] = True
    if not os.environ.get("SC_INSTANCE") and getattr(args, "port", None):
        # Two instances on one host differ by port; the name stays the same across restarts, so a
        # restarted instance resumes its own MQTT session.
        kw["instance"] = f"{socket.gethostname()}:{args.port}"
    return Settings(**kw)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sc-server", description="Situation Center backend")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database-url", help="SQLAlchemy URL; default: SQLite in the user data directory "
                                                "(SC_DATABASE_URL works too)")
    parser.add_argument("--demo", action="store_true", help="demo mode: seed the Kurchatov demo city and users")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="serve with N worker processes; connections are dealt to them round-robin")
    sub = parser.add_subparsers(dest="cmd")
    sub.add_parser("migrate", help="apply all database migrations")
    cu = sub.add_parser("create-user", help="create a user (the password is asked for)")
    cu.add_argument("name")
    cu.add_argument("--role", required=True, choices=["dispatcher", "supervisor", "admin"])
    cu.add_argument("--full-name", default="")
    cu.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    sub.add_parser("seed-demo", help="create the Kurchatov demo city and demo users")
    for extra in ("recorder",):
        sub.add_parser(extra, help=f"run only the {extra} service")
    from backend import ops

    ops.add_commands(sub)  # check, backup, restore
    from backend.domain import resolve
    from backend.domains import registered

    extra = [m for m in os.environ.get("SC_EXTRA_DOMAINS", "").split(",") if m.strip()]
    for domain in registered(extra):  # the domains' own subcommands (e.g. transit-import)
        for add in domain.commands:
            resolve(add)(sub)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.cmd in ("check", "backup", "restore"):
        return ops.main(args.cmd, args)

    try:
        settings = _settings(args)
    except ValueError as exc:
        print(f"sc-server: {exc}", file=sys.stderr)
        return 2

    from backend.db import make_engine, make_sessionmaker, migrate

    domains = registered(settings.extra_domain_modules)
    if args.cmd == "migrate":
        migrate(make_engine(settings.resolved_database_url), domains)
        print("database is up to date")
        return 0
    if args.cmd == "create-user":
        from backend.auth.service import create_user
        from backend.errors import AppError

        password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Password: ")
        engine = make_engine(settings.resolved_database_url)
        migrate(engine, domains)
        with make_sessionmaker(engine)() as s:
            try:
                create_user(s, username=args.name, role=args.role, password=password, full_name=args.full_name)
                s.commit()
            except AppError as exc:
                print(f"sc-server: {exc.message}", file=sys.stderr)
                return 1
        print(f"created {args.role} {args.name}")
        return 0
    if args.cmd == "seed-demo":
        from backend.demo import seed_demo

        engine = make_engine(settings.resolved_database_url)
        migrate(engine, domains)
        print_demo_credentials(seed_demo(make_sessionmaker(engine), settings, domains), settings)
        return 0
    if getattr(args, "run", None) is not None:
        return args.run(settings, args)
    if args.cmd == "recorder":
        from backend.recorder.service import run_forever

        return run_forever(settings)

    if args.workers < 1:
        print("sc-server: --workers must be 1 or more", file=sys.stderr)
        return 2
    if args.workers > 1:
        from backend.serve import serve

        engine = make_engine(settings.resolved_database_url)
        migrate(engine, domains)
        if settings.demo:
            from backend.demo import seed_demo

            print_demo_credentials(seed_demo(make_sessionmaker(engine), settings, domains), settings)
        engine.dispose()
        # The workers read the rest of their settings (and SC_SECRET_KEY, if set) from this environment.
        env = {"SC_DATABASE_URL": settings.resolved_database_url, "SC_DEMO": str(settings.demo).lower(),
               "SC_INSTANCE": settings.instance_name}
        return serve(host=args.host, port=args.port, workers=args.workers, env=env)

    from backend.app import create_app
    from backend.serve import run_single

    app = create_app(settings)
    if settings.demo:
        from backend.demo import seed_demo

        print_demo_credentials(seed_demo(app.state.sessionmaker, settings, app.state.domains), settings)
    run_single(app, host=args.host, port=args.port)
    return 0


def print_demo_credentials(creds: dict[str, str], settings) -> None:
    """Print the demo users' passwords (seed_demo keeps them, owner-readable, for sc-demo)."""
    from backend.auth.demo import credentials_path

    if not creds:
        print(f"demo city already present; the demo users' passwords are in {credentials_path(settings)}")
        return
    print(f"Demo users (demo mode only; also kept in {credentials_path(settings)}):")
    for user, password in creds.items():
        print(f"  {user:<12} {password}")


if __name__ == "__main__":
    sys.exit(main())
