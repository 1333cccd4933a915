"""The LMS formulas of the WHO Child Growth Standards and R's rounding, on numpy arrays.

Everything follows WHO's anthro R package (R/z-score-helper.R) operation by operation, in the same order, so
that results agree with anthro's down to the last bits of a double, not only to the second decimal. (The last
bit itself can differ: numpy's power may use SIMD code that differs from the C library's pow by one ulp.)
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from satudata.growth import tables

FloatArray = npt.NDArray[np.float64]


def zscore(y: FloatArray, l: FloatArray, m: FloatArray, s: FloatArray) -> FloatArray:  # noqa: E741
    """z = ((y/M)^L - 1) / (S*L). WHO tables never have L = 0, so the log form is not needed."""
    z = np.divide(y, m)
    np.power(z, l, out=z)
    z -= 1
    z /= s * l
    return z


def sd_line(l: FloatArray, m: FloatArray, s: FloatArray, k: float) -> FloatArray:  # noqa: E741
    """The measurement at k SD: M * (1 + L*S*k)^(1/L)."""
    return m * (1 + l * s * k) ** (1 / l)


def restrict_beyond_3sd(
    z: FloatArray,
    y: FloatArray,
    l: FloatArray,  # noqa: E741
    m: FloatArray,
    s: FloatArray,
) -> None:
    """WHO's restricted z beyond +/-3 SD (technical report, chapter 7), in place.

    Above +3: 3 + (y - SD3)/(SD3 - SD2); below -3: -3 + (y - SD-3)/(SD-2 - SD-3). The LMS curve's tails are
    not trusted there, so the distance is measured in units of the 2-3 SD gap. Only the few rows beyond
    3 SD are computed, which saves four powers on every other row.
    """
    with np.errstate(invalid="ignore"):
        beyond = np.flatnonzero(np.abs(z) > 3)
    if beyond.size == 0:
        return
    yb, lb, mb, sb, zb = y[beyond], l[beyond], m[beyond], s[beyond], z[beyond]
    above = zb > 3
    sd3 = np.where(above, sd_line(lb, mb, sb, 3), sd_line(lb, mb, sb, -3))
    sd2 = np.where(above, sd_line(lb, mb, sb, 2), sd_line(lb, mb, sb, -2))
    z[beyond] = np.where(above, 3 + (yb - sd3) / (sd3 - sd2), -3 + (yb - sd3) / (sd2 - sd3))


def round_like_r(x: FloatArray, digits: int = 2) -> FloatArray:
    """R's round(x, digits) (R >= 4.0.0, src/nmath/fround.c), vectorised.

    R picks, of the two neighbours floor(x*10^d)/10^d and ceil(x*10^d)/10^d, the one nearer to x as a
    double, and the even one on an exact tie; negative numbers are rounded as -round(-x). numpy.round
    (rint(x*100)/100) differs where the product with 100 lands on .5: R gives round(2.675, 2) = 2.67, numpy
    2.68. Away from a tie both pick the same neighbour, so the fast rint is used and R's comparison of
    distances is only repeated for the rare values whose x*10^d is within 1e-6 of a half.
    """
    scale = 10.0**digits
    scaled = x * scale
    rounded = np.rint(scaled)
    near_tie = np.flatnonzero(np.abs(np.subtract(scaled, rounded, out=scaled)) > 0.5 - 1e-6)
    if near_tie.size:
        magnitude = np.abs(x[near_tie])
        lower_count = np.floor(magnitude * scale)  # never a whole number here, so ceil is lower_count + 1
        lower, upper = lower_count / scale, (lower_count + 1) / scale
        to_upper, to_lower = upper - magnitude, magnitude - lower
        take_upper = (to_upper < to_lower) | ((to_upper == to_lower) & (np.fmod(lower_count, 2.0) == 1.0))
        rounded[near_tie] = np.copysign(lower_count + take_upper, x[near_tie])
    rounded /= scale
    rounded += 0.0  # turns -0.0 into 0.0, which R prints as 0 and a CSV should too
    return rounded


def measurement_for_z(indicator: str, sex: npt.ArrayLike, key: npt.ArrayLike, z: npt.ArrayLike) -> FloatArray:
    """The measurement at z-score `z`: y = M * (1 + L*S*z)^(1/L), the plain inverse of the LMS z.

    For the restricted indicators this inverse is exact only for |z| <= 3, which is what callers should use.
    `key` is the age in days, or the length/height in cm for weight_for_length / weight_for_height (see
    `tables.lms`). NaN where the table has no value or where 1 + L*S*z <= 0.
    """
    l, m, s = tables.lms(indicator, sex, key)  # noqa: E741
    z_array = np.asarray(z, dtype=np.float64)
    base = 1 + l * s * z_array
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(base > 0, m * np.abs(base) ** (1 / l), np.nan)
