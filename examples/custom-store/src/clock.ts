/**
 * Now, on the database server's clock, in whole milliseconds since the Unix epoch. The server
 * reads its clock once per statement, so every use of this expression within one statement
 * sees the same instant. UTC_TIMESTAMP avoids the session time zone, whose daylight-saving
 * jumps would make UNIX_TIMESTAMP(NOW(3)) ambiguous once a year.
 */
export const SERVER_NOW_MS =
  "(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(3)) DIV 1000)";
