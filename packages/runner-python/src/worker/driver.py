"""The runner's Python half: loaded once per worker, before any user code.

`install(hooks)` adapts the interpreter to the sandbox; `run(code)` runs one
program in a fresh namespace and reports how it ended as JSON, so that the
worker (TypeScript) can clean the traceback and find the failing line.
"""

import builtins
import json
import linecache
import math
import os
import sys
import time
import traceback

USER_FILE = "main.py"
HOME = os.getcwd()
DEFAULT_RECURSION_LIMIT = sys.getrecursionlimit()
# Formatting a traceback costs time per frame (source lines, caret positions);
# after sys.setrecursionlimit(10**6) it would take a minute. Deeper tracebacks
# keep their innermost frames, where the error is.
MAX_TRACEBACK_FRAMES = 2000


class StandardLibraryOnly:
    """Last on sys.meta_path: explains a top-level import nothing else found.

    Pyodide would otherwise suggest micropip/loadPackage, which cannot work
    here: the sandbox has no network and no package files.
    """

    @staticmethod
    def find_spec(name, path=None, target=None):
        if path is not None:
            return None
        if name in sys.stdlib_module_names:
            detail = "this part of the standard library is not available in the browser"
        else:
            detail = "only the Python standard library is available here; third-party packages cannot be installed"
        raise ModuleNotFoundError(f"No module named {name!r} ({detail})", name=name)


def install(hooks):
    """`hooks.sleep(ms)` blocks on shared memory and raises KeyboardInterrupt when stopped."""
    js_sleep = hooks.sleep

    def sleep(seconds, /):
        if not hasattr(type(seconds), "__float__") and not hasattr(type(seconds), "__index__"):
            raise TypeError(f"'{type(seconds).__name__}' object cannot be interpreted as an integer")
        seconds = float(seconds)
        if math.isnan(seconds):
            raise ValueError("Invalid value NaN (not a number)")
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        # A program that sleeps between prints of one line (a progress bar)
        # shows each part as it comes, not when the line is complete.
        try:
            sys.stdout.flush()
        except Exception:
            pass
        js_sleep(seconds * 1000)

    sleep.__doc__ = time.sleep.__doc__
    time.sleep = sleep
    sys.meta_path.append(StandardLibraryOnly)


def _reset_interpreter():
    """Undo what one program may have changed for the next: streams, limits, argv, cwd."""
    sys.stdin, sys.stdout, sys.stderr = sys.__stdin__, sys.__stdout__, sys.__stderr__
    sys.setrecursionlimit(DEFAULT_RECURSION_LIMIT)
    sys.argv = [USER_FILE]
    try:
        os.chdir(HOME)
    except OSError:
        pass


def _flush():
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except Exception:
            pass


def _cancel_leftover_tasks():
    """Tasks a program started and never awaited must not print into the next run."""
    asyncio = sys.modules.get("asyncio")
    if asyncio is None:
        return
    try:
        loop = asyncio.get_event_loop()
        for task in asyncio.all_tasks(loop):
            task.cancel()
    except Exception:
        pass


def _format(error):
    depth, tb = 0, error.__traceback__
    while tb is not None and depth <= MAX_TRACEBACK_FRAMES:
        depth, tb = depth + 1, tb.tb_next
    limit = -MAX_TRACEBACK_FRAMES if depth > MAX_TRACEBACK_FRAMES else None
    return traceback.format_exception(error, limit=limit)


def _exit_result(exit):
    code = exit.code
    if code is None or code == 0:
        return {"status": "ok"}
    if isinstance(code, int):
        return {"status": "error", "message": f"SystemExit: the program exited with status {code}"}
    return {"status": "error", "message": str(code)}


def run(code):
    _reset_interpreter()
    # Registered so tracebacks and inspect.getsource show the user's lines.
    linecache.cache[USER_FILE] = (len(code), None, code.splitlines(True), USER_FILE)
    namespace = {"__name__": "__main__", "__builtins__": builtins, "__file__": USER_FILE, "__doc__": None}
    try:
        exec(compile(code, USER_FILE, "exec", dont_inherit=True), namespace)
        result = {"status": "ok"}
    except SystemExit as exit:
        result = _exit_result(exit)
    except KeyboardInterrupt as error:
        result = {"status": "interrupted", "traceback": _format(error)}
    except BaseException as error:
        result = {"status": "error", "traceback": _format(error)}
    finally:
        _cancel_leftover_tasks()
        _flush()
        namespace.clear()
    return json.dumps(result)
