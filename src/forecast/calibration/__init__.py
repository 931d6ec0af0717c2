"""Product: calibration — `forecast calibrate`: observed figures, ABC-SMC on them, the calibrated
overlay and its fit."""
