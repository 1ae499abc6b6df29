from citysim.transit.runner import main

main()
