"""Drives the try-it page (GET /) in headless Chromium, the way a person would use it.

Loads the page from a running server, picks a photo with the page's file input (or takes one with its
camera button and Chromium's fake camera), chooses the size and crop, waits for the cartoon and saves
the cartoon's bytes (as the page received them), its pixels as shown, and a screenshot.
With --api-key it answers the page's key prompt; with --expect-error it checks that the page shows the
API's error in words instead of a cartoon. Any script error or Content-Security-Policy violation on the
page fails the run.

Talks the DevTools protocol over --remote-debugging-pipe to the system's Chromium (Debian's `chromium`
package), so it needs nothing beyond the Python standard library.

    python3 -m scripts.checks.page_in_browser --url http://127.0.0.1:8080/ --photo me.jpg --size 256 --crop face \
        --cartoon-out cartoon.png --screenshot page.png

Exit status: 0 when the page did what was asked, 1 when it did not, 2 when Chromium is missing.
"""

import argparse
import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

VIEWPORT = {"width": 1100, "height": 900, "deviceScaleFactor": 1, "mobile": False}


class Browser:
    """One headless Chromium and its DevTools pipe (fd 3: commands in, fd 4: answers and events out)."""

    def __init__(self, executable):
        self.profile = tempfile.mkdtemp(prefix="cartoonify-chromium-")
        to_browser, self.commands = (high_fd(fd) for fd in os.pipe())
        self.answers, from_browser = (high_fd(fd) for fd in os.pipe())

        def as_fds_3_and_4():
            os.dup2(to_browser, 3)
            os.dup2(from_browser, 4)

        # --no-sandbox because CI runs as root in a container.
        self.process = subprocess.Popen(
            [executable, "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
             "--force-color-profile=srgb", f"--user-data-dir={self.profile}",
             # A test-pattern camera, allowed without a prompt, for --camera.
             "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=as_fds_3_and_4,
        )
        os.close(to_browser)
        os.close(from_browser)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None
        self.answers_received = []
        self.requests_sent = 0
        self.busy = 0

    def call(self, method, params=None, timeout=30, session=True):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def _read(self, deadline):
        while b"\0" not in self.buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.answers, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def open(self, url):
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "DOM"):
            self.call(f"{domain}.enable")
        # Holds each answer to POST /cartoonify long enough to copy its body (see `release_paused`).
        # With --busy it also answers the first requests itself, as a full queue would.
        self.call("Fetch.enable", {"patterns": [
            {"urlPattern": "*/cartoonify*", "requestStage": stage} for stage in ("Request", "Response")]})
        self.call("Emulation.setDeviceMetricsOverride", VIEWPORT)
        self.call("Page.navigate", {"url": url})

    def release_paused(self):
        """Copies the body of every paused answer, then lets the page have it; refuses the first `busy`
        requests with the server's 503 so the page's retry can be watched."""
        for event in [event for event in self.events if event["method"] == "Fetch.requestPaused"]:
            self.events.remove(event)
            paused = event["params"]
            if "responseStatusCode" not in paused:
                self.requests_sent += 1
                if self.requests_sent <= self.busy:
                    self.call("Fetch.fulfillRequest", QUEUE_FULL | {"requestId": paused["requestId"]})
                    continue
            elif paused["responseStatusCode"] == 200:
                body = self.call("Fetch.getResponseBody", {"requestId": paused["requestId"]})
                self.answers_received.append(base64.b64decode(body["body"]) if body["base64Encoded"] else body["body"].encode())
            self.call("Fetch.continueRequest", {"requestId": paused["requestId"]})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.release_paused()
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise TimeoutError(f"waited {timeout} s for {expression}")

    def problems(self):
        """Script errors and blocked loads (CSP violations are logged as errors of the page)."""
        found = []
        for event in self.events:
            if event["method"] == "Runtime.exceptionThrown":
                found.append(event["params"]["exceptionDetails"].get("exception", {}).get("description", "exception"))
            elif event["method"] == "Log.entryAdded" and event["params"]["entry"]["level"] == "error":
                entry = event["params"]["entry"]
                # The page's own fetches of the API's deliberate errors (401, 415...) are network-level logs.
                if entry.get("source") != "network":
                    found.append(entry["text"])
        return found

    def close(self):
        self.process.kill()
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def high_fd(fd):
    """The same pipe end above the fds the child's 3 and 4 will be, so moving it there clobbers nothing."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


# The server's answer when every worker is busy and the queue is full (ServiceError.queueFull).
QUEUE_FULL = {
    "responseCode": 503,
    "responseHeaders": [{"name": "Content-Type", "value": "application/json"}, {"name": "Retry-After", "value": "1"}],
    "body": base64.b64encode(
        b'{"error":"queue_full","message":"All workers are busy and the queue is full; retry shortly."}').decode(),
}

# What the <img> shows: its size, whether the download link offers the same blob, and its pixels as
# RGBA (a canvas drawn from a same-origin blob is readable).
DISPLAYED = """(() => {
    const image = document.getElementById('cartoon');
    const canvas = document.createElement('canvas');
    canvas.width = image.naturalWidth;
    canvas.height = image.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let text = '';
    for (let i = 0; i < pixels.length; i += 8192) text += String.fromCharCode(...pixels.subarray(i, i + 8192));
    return {
        displayed: [image.naturalWidth, image.naturalHeight],
        downloadMatches: image.src === document.getElementById('download').href,
        rgba: btoa(text),
    };
})()"""


def drive(browser, args):
    browser.busy = args.busy
    browser.open(args.url)
    # The size menu is rebuilt when /v1/model answers (#model gets its text), which would undo a choice made before.
    browser.wait_for("document.readyState === 'complete' && document.getElementById('model').textContent !== ''", 30)
    browser.evaluate(f"""
        document.getElementById('size').value = {json.dumps(str(args.size))};
        document.querySelector('input[name=crop][value={args.crop}]').checked = true;
        document.getElementById('size').value""")
    if args.camera:
        browser.evaluate("document.getElementById('camera').click()")
        browser.wait_for("document.getElementById('video').videoWidth > 0", 30)
        browser.evaluate("document.getElementById('snap').click()")
    else:
        document = browser.call("DOM.getDocument")["root"]["nodeId"]
        file_input = browser.call("DOM.querySelector", {"nodeId": document, "selector": "#file"})["nodeId"]
        browser.call("DOM.setFileInputFiles", {"nodeId": file_input, "files": [os.path.abspath(args.photo)]})

    if args.api_key is not None:
        browser.wait_for("!document.getElementById('key-form').hidden", 60)
        browser.evaluate(f"""
            document.getElementById('key').value = {json.dumps(args.api_key)};
            document.querySelector('#key-form button').click()""")

    state = browser.wait_for(
        "['done', 'error'].includes(document.body.dataset.state) && document.body.dataset.state", args.timeout)
    summary = browser.evaluate("""({
        state: document.body.dataset.state,
        status: document.getElementById('status').textContent,
        inference: document.getElementById('inference').textContent,
        face: document.getElementById('face-note').textContent,
        download: document.getElementById('download').getAttribute('download'),
    })""")
    if args.screenshot:
        height = browser.evaluate("document.documentElement.scrollHeight")
        browser.call("Emulation.setDeviceMetricsOverride", dict(VIEWPORT, height=height))
        shot = browser.call("Page.captureScreenshot", {"format": "png"})["data"]
        with open(args.screenshot, "wb") as out:
            out.write(base64.b64decode(shot))
    summary["problems"] = browser.problems()
    summary["requests"] = browser.requests_sent

    if args.expect_error:
        ok = state == "error" and args.expect_error in summary["status"]
    else:
        # One request per refusal the page had to get past: each 503 made up here, the 401 before the key.
        ok = state == "done" and browser.requests_sent == 1 + args.busy + (args.api_key is not None)
        if ok:
            summary.update(browser.evaluate(DISPLAYED))
            ok = summary["displayed"] == [args.size, args.size] and summary["downloadMatches"]
        if ok and args.cartoon_out:
            # The page's own copy is a blob: URL its Content-Security-Policy keeps from fetch(), so the
            # bytes are the ones copied from the answer to the page's POST /cartoonify on its way in.
            with open(args.cartoon_out, "wb") as out:
                out.write(browser.answers_received[-1])
        if ok and args.pixels_out:
            with open(args.pixels_out, "wb") as out:
                out.write(base64.b64decode(summary.pop("rgba")))
        summary.pop("rgba", None)
    ok = ok and not summary["problems"]
    print(json.dumps(summary, indent=2))
    return 0 if ok else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="the page, e.g. http://127.0.0.1:8080/")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--photo", help="the file to pick in the page's file input")
    source.add_argument("--camera", action="store_true", help="take the photo with the page's camera button")
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--crop", choices=["face", "center", "none"], default="face")
    parser.add_argument("--api-key", help="answer the page's API-key prompt with this key")
    parser.add_argument("--expect-error", help="expect no cartoon but an error message containing this text")
    parser.add_argument("--cartoon-out", help="write the cartoon the page shows to this file")
    parser.add_argument("--pixels-out", help="write the RGBA pixels of the cartoon as displayed to this file")
    parser.add_argument("--screenshot", help="write a PNG screenshot of the page to this file")
    parser.add_argument("--busy", type=int, default=0,
                        help="answer the page's first BUSY requests with 503 queue_full (Retry-After: 1)")
    parser.add_argument("--timeout", type=float, default=120, help="seconds to wait for the cartoon")
    args = parser.parse_args()

    executable = find_chromium()
    if executable is None:
        print("page_in_browser: no chromium on PATH (apt-get install chromium)", file=sys.stderr)
        return 2
    browser = Browser(executable)
    try:
        return drive(browser, args)
    finally:
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
