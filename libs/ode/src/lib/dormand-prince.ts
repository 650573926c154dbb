// ----------------------------------------------------------------------------
// Dormand–Prince 5(4) tableau (Dormand & Prince 1980; Hairer–Nørsett–Wanner I,
// Table II.5.2), exactly as scipy/integrate/_ivp/rk.py::RK45 writes it.
// ----------------------------------------------------------------------------

/** Stage times c_s (fraction of h). */
export const C: readonly number[] = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1];

/** Stage coefficients a_{s,j}, rows 1..5 (row 0 is empty). */
export const A: readonly (readonly number[])[] = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
];

/** 5th-order weights b_j (the propagated solution). */
export const B: readonly number[] = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84];

/** Error weights e_j = b_j − b̂_j over the 7 stages (the 7th is f(t + h, y_new), FSAL). */
export const E: readonly number[] = [-71 / 57600, 0, 71 / 16695, -71 / 1920, 17253 / 339200, -22 / 525, 1 / 40];

/** Order of the embedded error estimator (the exponent of the step controller is −1/(4 + 1)). */
export const ERROR_ESTIMATOR_ORDER = 4;

/** scipy `SAFETY`: multiply the asymptotically optimal step by this. */
export const SAFETY = 0.9;
/** scipy `MIN_FACTOR`: the largest decrease of h after a rejected step. */
export const MIN_FACTOR = 0.2;
/** scipy `MAX_FACTOR`: the largest increase of h after an accepted step. */
export const MAX_FACTOR = 10;
