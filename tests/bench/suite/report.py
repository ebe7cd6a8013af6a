"""Medians, ratios against the targets of issue 7, and the printed table."""

import statistics


def summarise(samples, figures):
    out = {}
    for name, fig in figures.items():
        if name not in samples:
            continue
        w, o = samples[name].get("wharf", []), samples[name].get("openssh", [])
        mw, mo = statistics.median(w), statistics.median(o)
        ratio = mw / mo if mo else None
        if ratio is None or fig.target is None:
            met = None
        elif fig.higher_is_better:
            met = ratio >= fig.target
        else:
            met = ratio <= fig.target
        out[name] = {"unit": fig.unit, "wharf": mw, "openssh": mo, "ratio": ratio,
                     "target": target_text(fig),
                     "met": met, "wharf_all": w, "openssh_all": o}
    return out


def target_text(fig):
    if fig.target is None:
        return "-"
    return (">=" if fig.higher_is_better else "<=") + f"{fig.target:g}x"


def fmt(v):
    if v is None:
        return "-"
    return f"{v:.3g}" if abs(v) < 100 else f"{v:.0f}"


def table(result):
    rows = [("workload", "Wharf", "OpenSSH", "ratio", "target", "met?")]
    for name, f in result["figures"].items():
        met = {True: "yes", False: "NO", None: "-"}[f["met"]]
        rows.append((name, fmt(f["wharf"]), fmt(f["openssh"]), fmt(f["ratio"]), f["target"], met))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [f"{result['date']}  {result['cpu_model']}  {result['cores']} cores  "
             f"load {result['load_before']} -> {result['load_after']}",
             f"{result['wharfd_version']} | {result['sshd_version']} | "
             f"client {result['ssh_client']}"]
    for i, r in enumerate(rows):
        lines.append("  ".join(c.ljust(widths[j]) if j == 0 else c.rjust(widths[j])
                               for j, c in enumerate(r)))
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
