"""Callbacks for training libraries, each in its own module and imported only
when used, so ``import traincurves`` never imports a deep-learning framework."""
