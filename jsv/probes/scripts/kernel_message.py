"""Send one execute_request to a kernel, as another local user would.

Runs *inside* a container with jupyter_client available:

    python3 kernel_message.py CONNECTION_JSON CODE [--key KEY] [--timeout S]

CONNECTION_JSON is a connection file's content (transport, ip, ports, key,
signature_scheme). ``--key`` replaces the HMAC key (``""`` sends unsigned
messages). Prints one JSON line: {"reply": "ok"|"error"|null} (null: no reply).
"""

import argparse
import json
import sys

from jupyter_client import BlockingKernelClient


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("connection")
    parser.add_argument("code")
    parser.add_argument("--key", default=None)
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args()
    info = json.loads(args.connection)
    if args.key is not None:
        info["key"] = args.key
    client = BlockingKernelClient()
    client.load_connection_info(info)
    try:
        client.start_channels()
        msg_id = client.execute(args.code, store_history=False)
        reply = client.get_shell_msg(timeout=args.timeout)
        status = reply["content"]["status"] if reply["parent_header"].get("msg_id") == msg_id else None
    except Exception as exc:  # timeout (no reply) or a refused connection
        print(json.dumps({"reply": None, "error": type(exc).__name__}))
        return 0
    finally:
        client.stop_channels()
    print(json.dumps({"reply": status}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
