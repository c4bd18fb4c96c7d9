"""Time axis: datetime64 data; ticks on calendar units, labels at their precision.

A month of hourly readings: the x axis labels days; zoom in and it labels hours,
then minutes. Times are kept as seconds from a midnight near the data, so float32
on the GPU stays precise.
"""

import numpy as np

import glframe
from glframe import plot

hours = np.arange(31 * 24)
when = np.datetime64("2024-03-01T00:00") + hours.astype("timedelta64[h]")
rng = np.random.default_rng(5)
temperature = 8 + 0.15 * hours / 24 + 5 * np.sin(2 * np.pi * (hours - 9) / 24)
temperature += rng.normal(0, 0.8, len(hours)).cumsum() * 0.1

fig, ax = plot.subplots(size=(700, 360), backend="auto", title="Time axis")
ax.plot(when, temperature, width=1.5, label="hourly")
daily = temperature.reshape(31, 24).mean(1)
ax.plot(when[12::24], daily, width=3, label="daily mean")
ax.set_title("Air temperature, March 2024")
ax.set_ylabel("°C")
ax.grid(True)
ax.legend("upper left")
canvas = fig.canvas

if __name__ == "__main__":
    glframe.app.show(canvas, __file__)
