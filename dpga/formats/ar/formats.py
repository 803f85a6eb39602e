# Django's Arabic formats have no date-and-time format (it would fall back to
# the American "N j, Y, P"); this one joins Django's Arabic date and time.
DATETIME_FORMAT = "j F، Y، g:i A"
