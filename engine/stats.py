"""The statistics of batch results, shared by `wargame report`, `wargame compare` and `wargame fidelity`: one
copy of each interval, so that a table, its summary files and a comparison cannot disagree on how a number was
taken. Pure functions of plain numbers (no pandas, no plotting)."""

from __future__ import annotations

import math
from collections.abc import Sequence

Z95 = 1.959963984540054
"""The normal quantile of a two-sided 95% interval."""


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """95 % Wilson score interval for k successes out of n.

    >>> lo, hi = wilson(5, 10); round(lo, 3), round(hi, 3)
    (0.237, 0.763)
    >>> wilson(0, 0)
    (0.0, 1.0)
    >>> wilson(0, 12)[0], wilson(12, 12)[1]  # exactly: rounding left 3e-17 above a rate of 0
    (0.0, 1.0)
    """
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    lo = 0.0 if k <= 0 else max(0.0, centre - half)
    hi = 1.0 if k >= n else min(1.0, centre + half)
    return lo, hi


def half_up(x: float, digits: int = 0) -> float:
    """`x` rounded half up to `digits` decimals (22.5 -> 23, 2.5 -> 3, -2.5 -> -2), not half to even as `round`
    and format do (one report table read 2.5% as "2%" and 67.5% as "68%"), after the float noise of a product is
    rounded away (100 * 0.225 is 22.500000000000004, 0.125 computed two ways may land either side of 12.5): the
    one rounding every percentage shown uses, in the reports and in the game's previews.

    >>> half_up(22.5), half_up(2.5), half_up(-2.5), half_up(12.49999999999997), half_up(4.65, 0), half_up(0.465, 1)
    (23.0, 3.0, -2.0, 13.0, 5.0, 0.5)
    """
    scale = 10 ** digits
    return math.floor(round(x * scale, 6) + 0.5) / scale


def median(xs: Sequence[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count); None for no values, so that a cell
    where the event never happened shows "—" rather than a turn 0.

    >>> median([3, 1, 2]), median([4, 1, 2, 3]), median([])
    (2.0, 2.5, None)
    """
    if not xs:
        return None
    s = sorted(xs)
    m = len(s) // 2
    return float(s[m]) if len(s) % 2 else (s[m - 1] + s[m]) / 2


def mean(xs: Sequence[float]) -> float:
    """The arithmetic mean; 0.0 for no values (a cell without games lost no steps), which callers that must tell
    "none" from 0 check first."""
    return sum(xs) / len(xs) if xs else 0.0


def sample_sd(xs: list[float]) -> float | None:
    """Sample standard deviation (n - 1); None for fewer than two values."""
    if len(xs) < 2:
        return None
    m = mean(xs)
    return math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1))


def standard_error(xs: list[float]) -> float | None:
    """Standard error of the mean (`sample_sd` / sqrt(n)); None for fewer than two values."""
    sd = sample_sd(xs)
    return None if sd is None else sd / math.sqrt(len(xs))


def mean_stats(name: str, xs: list[float]) -> dict[str, float | None]:
    """`{name}_mean`, `{name}_sd`, `{name}_se` of a per-game sample, for the summary files: the plots' error
    bars are mean ± t(0.975, n - 1) se.

    >>> mean_stats("x", [1, 2, 3])
    {'x_mean': 2.0, 'x_sd': 1.0, 'x_se': 0.5773502691896258}
    """
    return {f"{name}_mean": mean(xs), f"{name}_sd": sample_sd(xs), f"{name}_se": standard_error(xs)}


T975_SMALL_DF = {1: 12.706205, 1.25: 8.027951, 1.5: 6.016663, 1.75: 4.948848, 2: 4.302653, 2.25: 3.875480, 2.5:
                 3.574655, 2.75: 3.352545, 3: 3.182446}
"""Exact 97.5% quantiles of Student's t (scipy.stats.t.ppf) from 1 to 3 degrees of freedom in steps of 1/4, where
the expansion in `t975` is 11% short at 1 (a Welch interval between cells of 2-3 games gets there)."""


def t975(df: float) -> float:
    """The 97.5% quantile of Student's t with `df` degrees of freedom (Cornish-Fisher expansion about the normal
    quantile; within 0.2% of the exact value from 3 degrees of freedom on, 0.01% from 5; below 3, the exact
    values every 1/4 from 1 to 3, their logarithm interpolated in 1/df: within 0.4% between them; a review found
    the earlier table of 1, 2 and 3 alone 18% wide at 1.5).

    >>> round(t975(1), 3), round(t975(2), 3), round(t975(10), 3), round(t975(100), 3), round(t975(1e9), 3)
    (12.706, 4.303, 2.228, 1.984, 1.96)
    """
    d = max(float(df), 1.0)
    if d <= 3:
        lo = min(math.floor(d * 4) / 4, 2.75)
        hi = lo + 0.25
        w = (1 / lo - 1 / d) / (1 / lo - 1 / hi)
        a, b = math.log(T975_SMALL_DF[lo]), math.log(T975_SMALL_DF[hi])
        return math.exp(a + w * (b - a))
    z = Z95
    return (z + (z ** 3 + z) / (4 * d) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * d ** 2)
            + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * d ** 3)
            + (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / (92160 * d ** 4))


def welch_difference(a: list[float], b: list[float]) -> tuple[float, float, float] | None:
    """Mean of `b` minus mean of `a` with Welch's 95% interval (unequal variances, Welch-Satterthwaite degrees of
    freedom); None when either sample has fewer than two games.

    >>> d, lo, hi = welch_difference([1, 2, 3, 4], [3, 4, 5, 6, 7]); round(d, 2), round(lo, 2), round(hi, 2)
    (2.5, 0.23, 4.77)
    """
    if len(a) < 2 or len(b) < 2:
        return None
    va, vb = sample_sd(a) ** 2 / len(a), sample_sd(b) ** 2 / len(b)  # type: ignore[operator]
    d = mean(b) - mean(a)
    se = math.sqrt(va + vb)
    if se == 0:
        return d, d, d
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    half = t975(df) * se
    return d, d - half, d + half


def t_half_width(xs: list[float]) -> float:
    """Half-width of the 95% Student-t interval of the mean, t(0.975, n - 1) `standard_error` (the plots' error
    bars): at 5 games per cell t is 2.78, and 1.96 standard errors would draw a bar some 30% too short."""
    se = standard_error(xs)
    return 0.0 if se is None else t975(len(xs) - 1) * se




def newcombe_paired(both: int, only_a: int, only_b: int, neither: int,
                    z: float = Z95) -> tuple[float, float, float]:
    """Rate of b minus rate of a for paired yes/no outcomes (game g of a and of b played on the same seed), with
    Newcombe's 95% square-and-add interval for paired proportions (Newcombe 1998, Stat. Med. 17:2635, method
    10; as in Altman et al., Statistics with Confidence, ch. 6, and Fagerland et al. 2017, ch. 8): the two
    Wilson intervals combined as for independent rates, less their covariance, estimated by the phi
    correlation of the 2x2 table (with its n/2 correction; 0 when a margin is empty). Newcombe's and
    Fagerland's reviews found it near its nominal coverage from small n on, unlike the Wald interval.

    >>> d, lo, hi = newcombe_paired(10, 2, 8, 10); round(d, 3), round(lo, 3), round(hi, 3)
    (0.2, -0.006, 0.38)
    """
    n = both + only_a + only_b + neither
    if n <= 0:
        return 0.0, -1.0, 1.0
    pa, pb = (both + only_a) / n, (both + only_b) / n
    la, ua = wilson(both + only_a, n, z)
    lb, ub = wilson(both + only_b, n, z)
    margins = (both + only_a) * (only_b + neither) * (both + only_b) * (only_a + neither)
    phi = 0.0
    if margins > 0:
        cross = both * neither - only_a * only_b
        phi = (cross - n / 2) / math.sqrt(margins) if cross > n / 2 else min(cross, 0) / math.sqrt(margins)
    d = pb - pa
    down = math.sqrt(max(0.0, (pb - lb) ** 2 - 2 * phi * (pb - lb) * (ua - pa) + (ua - pa) ** 2))
    up = math.sqrt(max(0.0, (ub - pb) ** 2 - 2 * phi * (ub - pb) * (pa - la) + (pa - la) ** 2))
    return d, d - down, d + up


def paired_t_difference(a: Sequence[float], b: Sequence[float]) -> tuple[float, float, float] | None:
    """Mean of `b[i] - a[i]` (the two games of pair i played on one seed) with its 95% paired-t interval, t(0.975,
    n - 1) times the standard error of the differences; None for fewer than two pairs.

    >>> d, lo, hi = paired_t_difference([1, 2, 3, 4], [2, 4, 5, 5]); round(d, 2), round(lo, 2), round(hi, 2)
    (1.5, 0.58, 2.42)
    """
    if len(a) != len(b):
        raise ValueError("paired samples of different lengths")
    diffs = [y - x for x, y in zip(a, b, strict=True)]
    se = standard_error(diffs)
    if se is None:
        return None
    d = mean(diffs)
    half = t975(len(diffs) - 1) * se
    return d, d - half, d + half




def newcombe_difference(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float, float]:
    """Rate k2/n2 minus k1/n1 of independent samples, with Newcombe's 95% square-and-add interval from the two
    Wilson intervals (Newcombe 1998, Stat. Med. 17:873, method 10).

    >>> d, lo, hi = newcombe_difference(5, 20, 10, 20); round(d, 3), round(lo, 3), round(hi, 3)
    (0.25, -0.047, 0.494)
    """
    p1, p2 = k1 / n1 if n1 else 0.0, k2 / n2 if n2 else 0.0
    l1, u1 = wilson(k1, n1)
    l2, u2 = wilson(k2, n2)
    d = p2 - p1
    return d, d - math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2), d + math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
