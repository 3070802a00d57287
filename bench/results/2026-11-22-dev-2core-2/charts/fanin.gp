set terminal pngcairo size 900,540 enhanced font ",11"
set output "fanin.png"
set title "fan-in: 1,048,576 messages, N producers → 1 consumer"
set xlabel "producers"
set ylabel "msg/µs (higher is better)"
set logscale x 2
set key outside right top
set grid
plot for [i=2:5] "fanin.dat" using 1:i with linespoints lw 2 pt 7 title columnheader(i)
