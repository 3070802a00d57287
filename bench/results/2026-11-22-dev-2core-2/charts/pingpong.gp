set terminal pngcairo size 900,540 enhanced font ",11"
set output "pingpong.png"
set title "ping-pong round trip (lower is better)"
set ylabel "µs"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics rotate by -30
set key outside right top
set grid ytics
set yrange [0:*]
plot for [i=2:2] "pingpong.dat" using i:xtic(1) title columnheader(i)
