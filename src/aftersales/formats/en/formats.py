# "Nov. 20" rather than "November 20": the queue shows a deadline's day in a narrow column.
# (Chinese keeps Django's "11月20日".)
MONTH_DAY_FORMAT = "N j"
