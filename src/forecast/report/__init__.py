"""Product: the budget report — `forecast report`: a results folder as a printable Chinese (or
English) report, HTML, PDF, Excel workbook and charts, with the sections that the re-forecast and
the sensitivity analysis add when the folder holds them."""
