#!/usr/bin/env python3
"""Renders a terminal recording (the bytes a program wrote to a pseudo-terminal, e.g. from `script`) as an HTML page
that looks like a dark terminal window, for the screenshots in docs/ (docs/make-screenshots.sh).

    ansi2html.py RECORDING OUT.html --cols 120 --title "rankwise evaluate" --prompt "rankwise evaluate ..."

It replays the recording on a small screen model — printable text, CR/LF, cursor up/down/left/right/column, erase in
line/display, SGR colours (16, 256 and 24-bit) with bold/dim/italic/underline — so transient output such as progress
bars that the program erased again does not appear, exactly as on a real terminal. Other escape sequences (private
modes, OSC hyperlinks, keypad modes) are skipped. Standard library only.
"""
import argparse
import html
import re
import sys

BASE16 = ["#1e1e1e", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
          "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff"]


def xterm256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + 10 * (n - 232)
    return "#%02x%02x%02x" % (v, v, v)


class Screen:
    def __init__(self, cols):
        self.cols = cols
        self.lines = [[]]
        self.row = self.col = 0
        self.style = {}

    def _line(self, r):
        while len(self.lines) <= r:
            self.lines.append([])
        return self.lines[r]

    def put(self, ch):
        if self.col >= self.cols:
            self.row += 1
            self.col = 0
        line = self._line(self.row)
        while len(line) < self.col:
            line.append((" ", {}))
        cell = (ch, dict(self.style))
        if self.col < len(line):
            line[self.col] = cell
        else:
            line.append(cell)
        self.col += 1

    def erase_line(self, mode):
        line = self._line(self.row)
        if mode == 2:
            line.clear()
        elif mode == 0:
            del line[self.col:]
        elif mode == 1:
            for i in range(min(self.col + 1, len(line))):
                line[i] = (" ", {})

    def sgr(self, params):
        params = params or [0]
        i = 0
        while i < len(params):
            p = params[i]
            if p == 0:
                self.style = {}
            elif p == 1:
                self.style["bold"] = True
            elif p == 2:
                self.style["dim"] = True
            elif p == 3:
                self.style["italic"] = True
            elif p == 4:
                self.style["underline"] = True
            elif p == 22:
                self.style.pop("bold", None); self.style.pop("dim", None)
            elif p == 23:
                self.style.pop("italic", None)
            elif p == 24:
                self.style.pop("underline", None)
            elif 30 <= p <= 37:
                self.style["fg"] = BASE16[p - 30]
            elif 90 <= p <= 97:
                self.style["fg"] = BASE16[p - 90 + 8]
            elif 40 <= p <= 47:
                self.style["bg"] = BASE16[p - 40]
            elif 100 <= p <= 107:
                self.style["bg"] = BASE16[p - 100 + 8]
            elif p == 39:
                self.style.pop("fg", None)
            elif p == 49:
                self.style.pop("bg", None)
            elif p in (38, 48) and i + 1 < len(params):
                key = "fg" if p == 38 else "bg"
                if params[i + 1] == 5 and i + 2 < len(params):
                    self.style[key] = xterm256(params[i + 2]); i += 2
                elif params[i + 1] == 2 and i + 4 < len(params):
                    self.style[key] = "#%02x%02x%02x" % tuple(params[i + 2:i + 5]); i += 4
            i += 1

    def feed(self, text):
        i, n = 0, len(text)
        while i < n:
            c = text[i]
            if c == "\x1b":
                if i + 1 < n and text[i + 1] == "[":
                    m = re.match(r"\x1b\[([?>=]?)([0-9;]*)([@-~])", text[i:])
                    if not m:
                        i += 1; continue
                    private, raw, cmd = m.groups()
                    i += m.end()
                    if private:
                        continue
                    params = [int(x) if x else 0 for x in raw.split(";")] if raw else []
                    arg = params[0] if params else 0
                    if cmd == "m":
                        self.sgr(params)
                    elif cmd == "A":
                        self.row = max(0, self.row - max(arg, 1))
                    elif cmd == "B":
                        self.row += max(arg, 1)
                    elif cmd == "C":
                        self.col += max(arg, 1)
                    elif cmd == "D":
                        self.col = max(0, self.col - max(arg, 1))
                    elif cmd == "G":
                        self.col = max(arg, 1) - 1
                    elif cmd == "H":
                        self.row = (params[0] if params else 1) - 1
                        self.col = (params[1] if len(params) > 1 else 1) - 1
                    elif cmd == "K":
                        self.erase_line(arg)
                    elif cmd == "J":
                        if arg == 2:
                            self.lines = [[]]; self.row = self.col = 0
                        elif arg == 0:
                            self.erase_line(0)
                            del self.lines[self.row + 1:]
                elif i + 1 < n and text[i + 1] == "]":
                    end = re.search(r"(\x07|\x1b\\)", text[i:])
                    i += end.end() if end else n
                else:
                    i += 2
                continue
            if c == "\r":
                self.col = 0
            elif c == "\n":
                self.row += 1
                self._line(self.row)
            elif c == "\b":
                self.col = max(0, self.col - 1)
            elif c == "\t":
                self.col = (self.col // 8 + 1) * 8
            elif c >= " ":
                self.put(c)
            i += 1

    def html_lines(self):
        out = []
        lines = self.lines
        while lines and not lines[-1]:
            lines = lines[:-1]
        for line in lines:
            parts, cur, buf = [], None, []
            for ch, st in line + [("", None)]:
                key = None if st is None else tuple(sorted(st.items()))
                if key != cur and buf:
                    parts.append(span("".join(buf), dict(cur or ())))
                    buf = []
                cur = key
                buf.append(ch)
            out.append("".join(parts).rstrip())
        return out


def span(text, style):
    text = html.escape(text)
    css = []
    if "fg" in style:
        css.append("color:" + style["fg"])
    if "bg" in style:
        css.append("background:" + style["bg"])
    if style.get("bold"):
        css.append("font-weight:bold")
    if style.get("dim"):
        css.append("opacity:.7")
    if style.get("italic"):
        css.append("font-style:italic")
    if style.get("underline"):
        css.append("text-decoration:underline")
    return f'<span style="{";".join(css)}">{text}</span>' if css else text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("recording")
    ap.add_argument("out")
    ap.add_argument("--cols", type=int, default=120)
    ap.add_argument("--title", default="terminal")
    ap.add_argument("--prompt", default="", help="the command line shown after '$'; newlines separate continuation lines")
    a = ap.parse_args()
    text = open(a.recording, "rb").read().decode("utf-8", "replace")
    screen = Screen(a.cols)
    screen.feed(text)
    body = screen.html_lines()
    # The command line as typed: continuation lines (after a trailing backslash) are shown as the shell shows them.
    prompt = []
    for k, part in enumerate(a.prompt.split("\n") if a.prompt else []):
        lead = '<span style="color:#23d18b">$</span> ' if k == 0 else '<span style="color:#23d18b">&gt;</span> '
        prompt.append(lead + html.escape(part))
    lines = prompt + body
    page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{html.escape(a.title)}</title><style>
html, body {{ margin: 0; background: #0b0b0b; }}
.win {{ display: inline-block; margin: 16px; border-radius: 8px; overflow: hidden; background: #1e1e1e;
        box-shadow: 0 4px 18px rgba(0,0,0,.6); }}
.bar {{ background: #323232; color: #bbb; font: 13px sans-serif; padding: 7px 12px; }}
.dot {{ display: inline-block; width: 12px; height: 12px; border-radius: 6px; margin-right: 6px; vertical-align: -1px; }}
pre {{ margin: 0; padding: 12px 16px 16px; color: #d4d4d4; font: 14px/1.17 "DejaVu Sans Mono", monospace; }}
</style></head><body><div class="win"><div class="bar"><span class="dot" style="background:#ff5f56"></span><span class="dot" style="background:#ffbd2e"></span><span class="dot" style="background:#27c93f"></span> {html.escape(a.title)}</div>
<pre>{chr(10).join(lines)}</pre></div></body></html>
"""
    open(a.out, "w", encoding="utf-8").write(page)
    # The window size that fits the page, for the screenshot: DejaVu Sans Mono 14px is 8.43 px wide, 16.4 px high.
    width = max(len(l) for l in [html.unescape(re.sub(r"<[^>]+>", "", x)) for x in lines] + [""])
    print(int(width * 8.43 + 80), int(len(lines) * 16.4 + 100))


if __name__ == "__main__":
    sys.exit(main())
