set terminal pngcairo size 900,540 enhanced font ",11"
set output "pinball.png"
set title "pinball: 15 graphs × 13 nodes"
set xlabel "balls (= capacity)"
set ylabel "msg/µs (higher is better)"
set logscale x 2
set key outside right top
set grid
plot for [i=2:6] "pinball.dat" using 1:i with linespoints lw 2 pt 7 title columnheader(i)
