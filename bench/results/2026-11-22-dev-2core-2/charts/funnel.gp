set terminal pngcairo size 900,540 enhanced font ",11"
set output "funnel.png"
set title "funnel: 15 rigs × (13 senders → 1 receiver)"
set xlabel "capacity"
set ylabel "msg/µs (higher is better)"
set logscale x 10
set key outside right top
set grid
plot for [i=2:6] "funnel.dat" using 1:i with linespoints lw 2 pt 7 title columnheader(i)
