"""The Forecast page's views: the outlook (band), the track record, the
what-if levers and the accounts behind the forecast. ``results`` fetches the
cached forecast and back-test they share."""
