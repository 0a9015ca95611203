"""Running a benchmark's code in a real IPython kernel, as a notebook would.

The code prints ``RESULT`` followed by one line of JSON; that is returned.
"""

import json

from jupyter_client.manager import start_new_kernel


def run_in_kernel(code: str, timeout: float = 900) -> dict:
    km, kc = start_new_kernel(kernel_name="python3")
    lines: list[str] = []
    try:
        kc.execute_interactive(
            code,
            timeout=timeout,
            output_hook=lambda msg: lines.append(msg["content"].get("text", "")),
        )
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    text = "".join(lines)
    if "RESULT" not in text:
        raise SystemExit(f"the benchmark failed in the kernel:\n{text}")
    return json.loads(text.split("RESULT", 1)[1].splitlines()[0])
